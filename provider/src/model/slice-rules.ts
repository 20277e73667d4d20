import { errors, isIpamError } from '../errors';
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
    throw errors.SLICE_SUBNET_EMPTY();
  }
  let cidr: Cidr;
  try {
    cidr = parseCidr(sliceSubnet, field);
  } catch (e) {
    if (!isIpamError(e)) throw e;
    throw errors.INVALID_CIDR({ case: 'slice-format', field, cause: e });
  }
  if (cidr.family === 6) throw errors.SLICE_SUBNET_IPV6({ cidr: formatCidr(cidr) });
  if (cidr.prefix > MAX_SLICE_PREFIX) {
    throw errors.SLICE_SUBNET_TOO_SMALL({ cidr: formatCidr(cidr), maxPrefix: MAX_SLICE_PREFIX });
  }
  if (cidr.prefix < MIN_SLICE_PREFIX) {
    throw errors.SLICE_SUBNET_TOO_LARGE({ cidr: formatCidr(cidr), minPrefix: MIN_SLICE_PREFIX });
  }
  // Size before privacy: no private range is larger than a /8, so a /7 would otherwise only
  // ever hear "not private" and never the more useful "too large".
  if (!PRIVATE_RANGES.some((range) => contains(range, cidr))) {
    throw errors.SLICE_SUBNET_NOT_PRIVATE({ cidr: formatCidr(cidr), ranges: PRIVATE_RANGES.map(formatCidr) });
  }
  return cidr;
}

export function validateSubnetSize(subnetSize: number | undefined, slice: Cidr): number {
  if (subnetSize === undefined || !Number.isInteger(subnetSize) || subnetSize < MIN_SUBNET_SIZE || subnetSize > MAX_SUBNET_SIZE) {
    throw errors.SUBNET_SIZE_INVALID({ value: subnetSize, min: MIN_SUBNET_SIZE, max: MAX_SUBNET_SIZE });
  }
  if (subnetSize <= slice.prefix) {
    throw errors.SUBNET_SIZE_TOO_SMALL({ subnetSize, slicePrefix: slice.prefix });
  }
  return subnetSize;
}

export function validateGracePeriodHours(hours: number | undefined): number {
  if (hours === undefined) return 24;
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_GRACE_HOURS) {
    throw errors.GRACE_PERIOD_INVALID({ case: 'hours', value: hours, max: MAX_GRACE_HOURS });
  }
  return hours;
}

/** KubeSlice's CalculateMaxClusters: 2^(subnetSize - slice prefix), as arithmetic, not a list. */
export function calculateMaxClusters(sliceSubnet: string, subnetSize: number): number {
  const slice = validateSliceSubnet(sliceSubnet);
  validateSubnetSize(subnetSize, slice);
  return 2 ** (subnetSize - slice.prefix);
}
