import { IpamError } from '../errors';
import { Cidr, contains, formatCidr, parseCidr } from '../net/cidr';

/**
 * KubeSlice's validation of slice subnets (util/ipam_allocator.go), with its error
 * texts kept word for word after the field name, so a KubeSlice user recognises them.
 */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c));

const MIN_SLICE_PREFIX = 8;
const MAX_SLICE_PREFIX = 28;
const MIN_SUBNET_SIZE = 16;
const MAX_SUBNET_SIZE = 30;
const MAX_GRACE_HOURS = 168;

export function validateSliceSubnet(sliceSubnet: string | undefined): Cidr {
  const field = 'sliceSubnet';
  if (sliceSubnet === undefined || sliceSubnet.trim() === '') {
    throw new IpamError('SLICE_SUBNET_EMPTY', `${field}: slice subnet cannot be empty`, field);
  }
  let cidr: Cidr;
  try {
    cidr = parseCidr(sliceSubnet, field);
  } catch (e) {
    const reason = (e as IpamError).message.slice(field.length + 2);
    throw new IpamError('INVALID_CIDR', `${field}: invalid CIDR format: ${reason}`, field);
  }
  if (cidr.family === 6) throw new IpamError('SLICE_SUBNET_IPV6', `${field}: only IPv4 subnets are supported (got ${formatCidr(cidr)})`, field);
  if (cidr.prefix > MAX_SLICE_PREFIX) {
    throw new IpamError('SLICE_SUBNET_TOO_SMALL', `${field}: slice subnet is too small, minimum /${MAX_SLICE_PREFIX} required (got ${formatCidr(cidr)})`, field);
  }
  if (cidr.prefix < MIN_SLICE_PREFIX) {
    throw new IpamError('SLICE_SUBNET_TOO_LARGE', `${field}: slice subnet is too large, maximum /${MIN_SLICE_PREFIX} allowed (got ${formatCidr(cidr)})`, field);
  }
  // Size before privacy: no private range is larger than a /8, so a /7 would otherwise only
  // ever hear "not private" and never the more useful "too large".
  if (!PRIVATE_RANGES.some((range) => contains(range, cidr))) {
    throw new IpamError(
      'SLICE_SUBNET_NOT_PRIVATE',
      `${field}: slice subnet must be from private IP ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) (got ${formatCidr(cidr)})`,
      field,
    );
  }
  return cidr;
}

export function validateSubnetSize(subnetSize: number | undefined, slice: Cidr): number {
  const field = 'subnetSize';
  if (subnetSize === undefined || !Number.isInteger(subnetSize) || subnetSize < MIN_SUBNET_SIZE || subnetSize > MAX_SUBNET_SIZE) {
    throw new IpamError(
      'SUBNET_SIZE_INVALID',
      `${field}: subnetSize must be between ${MIN_SUBNET_SIZE} and ${MAX_SUBNET_SIZE} (got ${String(subnetSize)})`,
      field,
    );
  }
  if (subnetSize <= slice.prefix) {
    throw new IpamError(
      'SUBNET_SIZE_TOO_SMALL',
      `${field}: subnetSize must be greater than slice subnet prefix (/${subnetSize} is not longer than /${slice.prefix})`,
      field,
    );
  }
  return subnetSize;
}

export function validateGracePeriodHours(hours: number | undefined): number {
  const field = 'gracePeriodHours';
  if (hours === undefined) return 24;
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_GRACE_HOURS) {
    throw new IpamError(
      'GRACE_PERIOD_INVALID',
      `${field}: grace period must be a whole number of hours from 1 to ${MAX_GRACE_HOURS}; grace period cannot exceed 7 days (got ${String(hours)})`,
      field,
    );
  }
  return hours;
}

/** KubeSlice's CalculateMaxClusters: 2^(subnetSize - slice prefix), as arithmetic, not a list. */
export function calculateMaxClusters(sliceSubnet: string, subnetSize: number): number {
  const slice = validateSliceSubnet(sliceSubnet);
  validateSubnetSize(subnetSize, slice);
  return 2 ** (subnetSize - slice.prefix);
}
