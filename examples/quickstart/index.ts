import * as ipam from 'pulumi-ipam';

// A /16 for the office network. Claims without a size get a /24.
const office = new ipam.SubnetPool('office', {
  cidr: '10.0.0.0/16',
  defaultPrefixLength: 24,
  description: 'office network',
});

// Two subnets carved from it. Each claim's owner key is project/stack/resource name, so a
// re-run (or a retried create after a crash) gets the same block back.
const servers = new ipam.SubnetPoolClaim('servers', { pool: office.name });
const printers = new ipam.SubnetPoolClaim('printers', { pool: office.name, prefixLength: 26 });

// A VPN pool whose gateway is the first host, and one client address from it.
const vpn = new ipam.SubnetPool('vpn', { cidr: '10.8.0.0/24', gateway: true });
const alice = new ipam.ClientIp('alice-laptop', { pool: vpn.name, clientId: 'alice-laptop' });

export const officeCidr = office.cidr;
export const serversCidr = servers.cidr;
export const printersCidr = printers.cidr;
export const vpnGateway = vpn.gatewayAddress;
export const aliceIp = alice.cidr;
