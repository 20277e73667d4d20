import { at, cases, entry } from './define';
import { quote } from './text';

/**
 * KubeSlice's slice validation rules (its SliceIpam webhook), one code per rule, with its error
 * texts kept word for word after the field name, so a KubeSlice user recognises them.
 */
export const SLICE_CODES = {
  SLICE_SUBNET_EMPTY: entry(400, 'Slice subnet missing', () => at('sliceSubnet', 'slice subnet cannot be empty')),
  SLICE_SUBNET_IPV6: entry(400, 'IPv6 slice subnet', (p: { cidr: string }) => at('sliceSubnet', `only IPv4 subnets are supported (got ${p.cidr})`)),
  SLICE_SUBNET_NOT_PRIVATE: entry(400, 'Slice subnet not private', (p: { cidr: string; ranges: string[] }) =>
    at('sliceSubnet', `slice subnet must be from private IP ranges (${p.ranges.join(', ')}) (got ${p.cidr})`),
  ),
  SLICE_SUBNET_TOO_SMALL: entry(400, 'Slice subnet too small', (p: { cidr: string; maxPrefix: number }) =>
    at('sliceSubnet', `slice subnet is too small, minimum /${p.maxPrefix} required (got ${p.cidr})`),
  ),
  SLICE_SUBNET_TOO_LARGE: entry(400, 'Slice subnet too large', (p: { cidr: string; minPrefix: number }) =>
    at('sliceSubnet', `slice subnet is too large, maximum /${p.minPrefix} allowed (got ${p.cidr})`),
  ),
  SUBNET_SIZE_INVALID: entry(400, 'Subnet size out of range', (p: { value: unknown; min: number; max: number }) =>
    at('subnetSize', `subnetSize must be between ${p.min} and ${p.max} (got ${String(p.value)})`),
  ),
  SUBNET_SIZE_TOO_SMALL: entry(400, 'Subnet size not longer than the slice prefix', (p: { subnetSize: number; slicePrefix: number }) =>
    at('subnetSize', `subnetSize must be greater than slice subnet prefix (/${p.subnetSize} is not longer than /${p.slicePrefix})`),
  ),
  GRACE_PERIOD_INVALID: entry(
    400,
    'Grace period out of range',
    cases({
      /** A pool's grace period, in seconds. */
      seconds: (p: { value: unknown; max: number }) => at('gracePeriodSeconds', `${quote(p.value)} is out of range; give whole seconds from 0 to ${p.max} (7 days)`),
      /** A slice's grace period, in hours, in KubeSlice's words. */
      hours: (p: { value: unknown; max: number }) =>
        at('gracePeriodHours', `grace period must be a whole number of hours from 1 to ${p.max}; grace period cannot exceed 7 days (got ${String(p.value)})`),
    }),
  ),
} as const;
