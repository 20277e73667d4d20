import { Ipam } from '../../provider/src/engine/ipam';
import { openStore } from '../../provider/src/backends/open-store';

/**
 * The state the web view tests look at, written to a real SQLite file before `ipam serve`
 * opens it: a /16 with a gateway, a reserved /24, a child pool with a claim, a live and a
 * released (held) allocation; an IPv6 /32; and a KubeSlice slice with a cluster that left.
 */
export async function writeWebFixture(file: string): Promise<void> {
  const store = await openStore({ type: 'sqlite', file });
  const ipam = Ipam.create(store, { actor: 'fixture' });
  try {
    await ipam.createPool({ name: 'corp', cidr: '10.0.0.0/16', gateway: true, reserved: ['10.0.255.0/24'], defaultPrefixLength: 24 });
    await ipam.createPool({ name: 'corp-dev', parent: 'corp', cidr: '10.0.16.0/20', defaultPrefixLength: 24 });
    await ipam.allocate({ pool: 'corp', owner: 'web', cidr: '10.0.1.0/24' });
    await ipam.allocate({ pool: 'corp', owner: 'db', cidr: '10.0.2.0/26' });
    await ipam.release({ pool: 'corp', owner: 'db' });
    for (let i = 0; i < 60; i++) await ipam.allocate({ pool: 'corp', owner: `host-${String(i).padStart(2, '0')}`, kind: 'host' });
    await ipam.allocate({ pool: 'corp-dev', owner: 'api' });
    await ipam.createPool({ name: 'v6', cidr: '2001:db8::/32', defaultPrefixLength: 48 });
    await ipam.allocate({ pool: 'v6', owner: 'site-a' });
    await ipam.allocate({ pool: 'v6', owner: 'site-b', cidr: '2001:db8:8000::/48' });
    await ipam.syncSlice({ namespace: 'kube', name: 'blue', sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['east', 'west'] });
    await ipam.syncSlice({ namespace: 'kube', name: 'blue', sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['east'] });
  } finally {
    await ipam.close();
  }
}
