/**
 * A VPN client IP allocator's naive design, ported as the baseline for host allocations: AllocateIP walks
 * the range from the first address after the gateway and returns the first one no existing user
 * holds ("iterate through range, skip if IP already assigned to user"), using a map of the used
 * addresses (its "O(1) lookup" optimisation). Generalised from 10.0.0.0/24 to any IPv4 pool:
 * network + 1 is the gateway, the broadcast address is never given.
 */
export function allocateIp(pool: string, existingUsers: string[]): string {
  const [address, prefix] = pool.split('/');
  const octets = address.split('.').map(Number);
  const network = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const broadcast = network + Math.pow(2, 32 - Number(prefix)) - 1;
  const used = new Map<string, boolean>();
  // Users' addresses may be written with or without "/32".
  for (const user of existingUsers) used.set(user.endsWith('/32') ? user.slice(0, -3) : user, true);
  for (let ip = network + 2; ip < broadcast; ip++) {
    const text = `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
    if (!used.get(text)) return `${text}/32`;
  }
  throw new Error('no available IP addresses');
}
