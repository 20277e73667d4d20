/**
 * KubeSlice's per-cluster subnet allocator (the reference design), ported faithfully as the baseline our allocator is measured against:
 * CalculateMaxClusters, GenerateSubnetList (every subnet of the slice, as text), then
 * FindNextAvailableSubnet (a map of the allocated subnets and a scan for the first one missing).
 * It enumerates, so its cost grows with the number of subnets in the pool, which is the point.
 *
 * Departures, all in the baseline's favour: ValidateSliceSubnet's policy checks (private range,
 * /16../30 sizes) are left out so it accepts a /8; IPv4 text is parsed by hand, as fast as Go's
 * net.ParseCIDR, not through ip-num; the caller hands it the allocated subnets as a ready list.
 */

function parseIpv4Cidr(sliceSubnet: string): { base: number; ones: number } {
  const [address, prefix] = sliceSubnet.split('/');
  const octets = address.split('.').map(Number);
  const ones = Number(prefix);
  if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255)) || !(ones >= 0 && ones <= 32)) {
    throw new Error(`invalid CIDR: ${sliceSubnet}`);
  }
  const value = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  // net.ParseCIDR returns the network: host bits cleared.
  const mask = ones === 0 ? 0 : (0xffffffff << (32 - ones)) >>> 0;
  return { base: (value & mask) >>> 0, ones };
}

/** maxClusters = 2^(subnetSize - slicePrefix). */
function calculateMaxClusters(sliceSubnet: string, subnetSize: number): number {
  const { ones } = parseIpv4Cidr(sliceSubnet);
  const bitsForSubnets = subnetSize - ones;
  if (bitsForSubnets <= 0) throw new Error(`subnetSize must be > ${ones}`);
  return Math.pow(2, bitsForSubnets);
}

/** Every subnet of the slice, in address order, as "a.b.c.d/size". */
function generateSubnetList(sliceSubnet: string, subnetSize: number): string[] {
  const maxClusters = calculateMaxClusters(sliceSubnet, subnetSize);
  const { base } = parseIpv4Cidr(sliceSubnet);
  const stepSize = Math.pow(2, 32 - subnetSize);
  const subnets: string[] = [];
  for (let i = 0; i < maxClusters; i++) {
    const ip = (base + i * stepSize) >>> 0;
    subnets.push(`${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}/${subnetSize}`);
  }
  return subnets;
}

/** The first subnet of the slice not in `allocatedSubnets` (sequential allocation). */
export function findNextAvailableSubnet(sliceSubnet: string, subnetSize: number, allocatedSubnets: string[]): string {
  const allSubnets = generateSubnetList(sliceSubnet, subnetSize);
  const allocated = new Map<string, boolean>();
  for (const subnet of allocatedSubnets) allocated.set(subnet, true);
  for (const subnet of allSubnets) {
    if (!allocated.get(subnet)) return subnet;
  }
  throw new Error('no available subnets');
}
