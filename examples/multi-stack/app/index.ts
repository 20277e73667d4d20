import * as pulumi from '@pulumi/pulumi';
import * as ipam from 'pulumi-ipam';

// Another team's stack: it reads the pool from the network stack's outputs, so the two stacks
// agree on the address plan without sharing code, and never collide.
const config = new pulumi.Config();
const network = new pulumi.StackReference(config.require('networkStack'));

const subnet = new ipam.SubnetPoolClaim('app-subnet', {
  pool: network.requireOutput('poolName') as pulumi.Output<string>,
  space: network.requireOutput('poolSpace') as pulumi.Output<string>,
  prefixLength: 26,
});

export const appSubnet = subnet.cidr;
export const appGateway = subnet.firstHost;
