import * as ipam from 'pulumi-ipam';

// The platform's address plan: one pool other stacks claim from.
const shared = new ipam.SubnetPool('shared', {
  cidr: '10.20.0.0/16',
  defaultPrefixLength: 24,
  strategy: 'best-fit',
});

export const poolName = shared.name;
export const poolSpace = shared.space;
export const poolCidr = shared.cidr;
