import { expect } from 'chai';
import { Ipam } from '../../provider/src/engine/ipam';
import { AllocationRecord, AuditEvent } from '../../provider/src/model/records';
import { KubeClient } from '../../provider/src/store/kubernetes/client';
import { loadKubeconfig } from '../../provider/src/store/kubernetes/kubeconfig';
import { LedgerSpec, applyCommit, emptyLedger } from '../../provider/src/store/kubernetes/ledger';
import { API_VERSION, FINALIZER, KubeObject, LEDGER_NAME, MANAGED_BY, MANAGED_BY_LABEL, PLURAL } from '../../provider/src/store/kubernetes/resources';
import { KubernetesStore } from '../../provider/src/store/kubernetes/store';
import { expectIpamError } from '../support/expect-error';
import { allocationRecord, poolRecord } from '../support/records';
import { useCluster } from './setup';

/**
 * A namespace whose ledger an earlier release wrote (its records as JSON lists in the spec) is
 * read as it is by this release, and its next commit writes the compact format in place: same
 * object, same uid (the backend's identity), nothing lost.
 */
const NS = 'sized';
const AT = '2026-01-01T00:00:00.000Z';
const audit: AuditEvent[] = [
  { at: AT, pool: 'corp', action: 'create-pool', actor: 'cli:alice' },
  { at: '2026-01-02T10:00:00.000Z', pool: 'corp', action: 'allocate', owner: 'dev/web/App1', cidr: '10.0.0.0/24', actor: 'pulumi' },
];

/** The ledger an earlier release stored: about 6,000 allocations of every kind, most of its 1 MiB limit. */
function earlierLedger(): LedgerSpec {
  const allocations: AllocationRecord[] = [
    allocationRecord('corp', 'dev/web/App1', '10.0.0.0/24', { creator: 'pulumi:web/dev', labels: { team: 'web' }, description: 'the web tier' }),
    allocationRecord('corp', 'finance-tenant-old', '10.0.1.0/24', { status: 'released', releasedAt: '2026-01-05T00:00:00Z' }),
    allocationRecord('v6', 'dev/db/Primary', '2001:db8:0:1::/64', { creator: 'cli:bob' }),
    ...Array.from({ length: 6_000 }, (_, i) => allocationRecord('vpn', `peer-${i}`, `10.8.${i >> 8}.${i & 255}/32`, { kind: 'host', allocatedAt: new Date(Date.parse(AT) + i * 1000).toISOString() })),
  ].filter((a) => a.cidr !== '10.8.0.0/32' && a.cidr !== '10.8.0.1/32');
  const writes = [
    { type: 'savePool' as const, pool: poolRecord('corp', '10.0.0.0/16', { defaultPrefixLength: 24, creator: 'cli:alice', labels: { env: 'prod' } }) },
    { type: 'savePool' as const, pool: poolRecord('finance', '10.0.16.0/20', { parent: 'corp', owner: 'finance-tenant' }) },
    { type: 'savePool' as const, pool: poolRecord('vpn', '10.8.0.0/16', { gateway: '10.8.0.1' }) },
    { type: 'savePool' as const, pool: poolRecord('v6', '2001:db8::/48', { defaultPrefixLength: 64 }) },
    ...allocations.map((allocation) => ({ type: 'saveAllocation' as const, allocation })),
  ];
  return applyCommit(emptyLedger(), writes, audit, 41);
}

/** The object as the earlier release's ledgerObject made it: the spec is the ledger itself. */
function earlierObject(spec: LedgerSpec): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: 'IpamLedger',
    metadata: { name: LEDGER_NAME, namespace: NS, labels: { [MANAGED_BY_LABEL]: MANAGED_BY }, finalizers: [FINALIZER] },
    spec: spec as unknown as Record<string, unknown>,
  };
}

describe('Kubernetes backend: a ledger written by an earlier release', function () {
  this.timeout(120_000);
  const t = useCluster([NS]);
  const client = () => new KubeClient(loadKubeconfig({ kubeconfig: t.cluster.kubeconfig }));

  it('is read as it is, and its next commit rewrites it compactly in place with everything still there', async () => {
    const earlier = earlierLedger();
    const created = await client().create(PLURAL.IpamLedger, NS, earlierObject(earlier));
    expect(Buffer.byteLength(JSON.stringify(created))).to.be.above(800_000);

    const store = new KubernetesStore(client(), { namespace: NS });
    const read = await store.read(NS);
    expect(read.version).to.equal(41);
    expect(read.pools).to.deep.equal(earlier.pools);
    expect(read.allocations).to.deep.equal(earlier.allocations);
    expect(await store.listAudit(NS, 'corp', 10)).to.deep.equal([...audit].reverse());
    expect((await store.identity(NS)).id).to.equal(created.metadata.uid);

    const ipam = Ipam.create(store, { actor: 'test' });
    const granted = await ipam.allocate({ space: NS, pool: 'vpn', owner: 'new-peer', kind: 'host' });
    expect(granted.cidr).to.equal('10.8.23.112/32');

    const rewritten = (await client().get(PLURAL.IpamLedger, NS, LEDGER_NAME))!;
    expect(rewritten.metadata.uid).to.equal(created.metadata.uid);
    expect(Object.keys(rewritten.spec!).sort()).to.deep.equal(['allocationCount', 'data', 'encoding', 'poolCount', 'version']);
    expect(rewritten.spec).to.include({ version: 42, encoding: 'gzip-columns-v1', poolCount: 4, allocationCount: earlier.allocations.length + 1 });
    expect(Buffer.byteLength(JSON.stringify(rewritten))).to.be.below(100_000);

    const fresh = new KubernetesStore(client(), { namespace: NS });
    const after = await fresh.read(NS);
    expect(after.pools).to.deep.equal(earlier.pools);
    const key = (a: AllocationRecord) => `${a.pool}/${a.owner}`;
    const sorted = (list: AllocationRecord[]) => [...list].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    expect(sorted(after.allocations.filter((a) => a.owner !== 'new-peer'))).to.deep.equal(sorted(earlier.allocations));
    expect((await fresh.listAudit(NS, 'vpn', 1))[0]).to.include({ action: 'allocate', owner: 'new-peer', cidr: '10.8.23.112/32' });
    expect((await ipam.check({ space: NS, pool: 'corp' })).issues).to.deep.equal([]);
    await Promise.all([ipam.close(), fresh.close()]);
  });

  it('a ledger in a format this release does not know is refused with a message saying to upgrade, and is left alone', async () => {
    await client().create(PLURAL.IpamLedger, NS, { ...earlierObject(emptyLedger()), spec: { version: 7, encoding: 'zstd-columns-v2', data: 'AAAA' } });
    const store = new KubernetesStore(client(), { namespace: NS });
    const error = await expectIpamError(store.read(NS), 'STORE_UNAVAILABLE');
    expect(error.message).to.equal(
      `address space "${NS}": the IpamLedger "ledger" in namespace "${NS}" is in the format "zstd-columns-v2", which this release of pulumi-ipam cannot read; ` +
        'upgrade pulumi-ipam (every Pulumi stack, `ipam` command and controller that writes this namespace)',
    );
    await expectIpamError(store.commit({ space: NS, expectedVersion: 7, writes: [], audit: [] }), 'STORE_UNAVAILABLE');
    expect((await client().get(PLURAL.IpamLedger, NS, LEDGER_NAME))!.spec).to.deep.equal({ version: 7, encoding: 'zstd-columns-v2', data: 'AAAA' });
    await store.close();
  });

  it('a damaged compact ledger is refused as STATE_CORRUPTED, naming the object', async () => {
    await client().create(PLURAL.IpamLedger, NS, { ...earlierObject(emptyLedger()), spec: { version: 7, encoding: 'gzip-columns-v1', data: 'bm90IGd6aXA=' } });
    const error = await expectIpamError(new KubernetesStore(client(), { namespace: NS }).read(NS), 'STATE_CORRUPTED');
    expect(error.message).to.equal(
      `address space "${NS}": the IpamLedger "ledger" in namespace "${NS}" cannot be decoded (incorrect header check); it was edited by hand or damaged: restore it from a backup`,
    );
  });
});
