import * as pulumi from '@pulumi/pulumi';
import * as ipam from 'pulumi-ipam';

// VPN peers: a WireGuard-style network. The gateway is the first host; every peer gets one
// address, keyed by its id, so a peer keeps its address across runs and stacks.
const config = new pulumi.Config();
const peers = config.getObject<string[]>('peers') ?? ['alice', 'bob', 'carol'];

const vpn = new ipam.SubnetPool('vpn', { cidr: '10.0.0.0/24', gateway: true });

const addresses = peers.map((peer) => new ipam.ClientIp(`peer-${peer}`, { pool: vpn.name, clientId: peer }));

export const gateway = vpn.gatewayAddress;
export const peerAddresses = pulumi
  .all(addresses.map((a) => a.cidr))
  .apply((cidrs) => Object.fromEntries(peers.map((peer, i) => [peer, cidrs[i]])));
// What a peer puts in its [Interface] section.
export const interfaces = pulumi
  .all(addresses.map((a) => pulumi.interpolate`Address = ${a.ip}/${a.prefixLength}`))
  .apply((lines) => Object.fromEntries(peers.map((peer, i) => [peer, lines[i]])));
