import { expect } from 'chai';
import { Ipam } from '../../provider/src/engine/ipam';
import { AllocationRecord, AuditEvent } from '../../provider/src/model/records';
import { KubeClient } from '../../provider/src/store/kubernetes/client';
import { loadKubeconfig } from '../../provider/src/store/kubernetes/kubeconfig';
import { MAX_LEDGER_BYTES, applyCommit, emptyLedger, ledgerObject } from '../../provider/src/store/kubernetes/ledger';
import { KubernetesStore } from '../../provider/src/store/kubernetes/store';
import { expectIpamError } from '../support/expect-error';
import { FILL_POOLS, blockRecord, peerRecord } from './fill';
import { useCluster } from './setup';

/**
 * One namespace's ledger is one object, and etcd refuses objects over 1.5 MiB. The store stops
 * at 1 MiB (of the object with its records compressed) with LEDGER_TOO_LARGE, before the API
 * server would refuse the write. These tests pin the capacity docs/kubernetes.md states, and the
 * error a user gets near the limit. The records have random parts in their owner keys and
 * times to the millisecond (see fill.ts), as real ones do: patterned keys pack far tighter.
 */
const NS = 'sized';
const AT = '2026-01-01T00:00:00.000Z';
const shapes: Record<string, (i: number) => AllocationRecord> = {
  'a block owned by a Pulumi resource': (i) => blockRecord(i, false),
  'a host address (ClientIp)': peerRecord,
  'a released block in its grace period': (i) => blockRecord(i, true),
};
const fullAudit: AuditEvent[] = Array.from({ length: 128 }, (_, i) => ({ at: new Date(Date.parse(AT) + i * 61_001).toISOString(), pool: 'fill-blocks', action: 'allocate', owner: blockRecord(i, false).owner, cidr: blockRecord(i, false).cidr, actor: 'pulumi' }));

function ledgerBytes(count: number, shape: (i: number) => AllocationRecord): number {
  const writes = [{ type: 'savePool' as const, pool: FILL_POOLS.blocks }, { type: 'savePool' as const, pool: FILL_POOLS.peers }, ...Array.from({ length: count }, (_, i) => ({ type: 'saveAllocation' as const, allocation: shape(i) }))];
  return Buffer.byteLength(JSON.stringify(ledgerObject(NS, applyCommit(emptyLedger(), writes, fullAudit, 1), undefined)));
}

describe('Kubernetes backend: the ledger size limit', function () {
  this.timeout(60_000);
  const t = useCluster([NS]);

  for (const [shape, fit, tooMany] of [
    ['a block owned by a Pulumi resource', 63_000, 64_000],
    ['a host address (ClientIp)', 60_000, 62_000],
    ['a released block in its grace period', 45_000, 46_000],
  ] as const) {
    it(`holds ${fit} (not ${tooMany}) allocations of ${shape} in one namespace`, () => {
      expect(ledgerBytes(fit, shapes[shape])).to.be.at.most(MAX_LEDGER_BYTES);
      expect(ledgerBytes(tooMany, shapes[shape])).to.be.above(MAX_LEDGER_BYTES);
    });
  }

  it('refuses the allocation that would pass the limit with LEDGER_TOO_LARGE, and changes nothing', async () => {
    const store = new KubernetesStore(new KubeClient(loadKubeconfig({ kubeconfig: t.cluster.kubeconfig })), { namespace: NS, maxLedgerBytes: 1_500 });
    const ipam = Ipam.create(store, { actor: 'test' });
    await ipam.createPool({ space: NS, name: 'corp', cidr: '10.0.0.0/16', defaultPrefixLength: 28 });
    let granted = 0;
    let refused: Error | undefined;
    for (let i = 0; i < 300 && refused === undefined; i++) {
      await ipam.allocate({ space: NS, pool: 'corp', owner: `app-${i}` }).then(
        () => granted++,
        (e: Error) => (refused = e),
      );
    }
    expect(granted).to.be.within(10, 100);
    const before = await store.read(NS);
    const error = await expectIpamError(ipam.allocate({ space: NS, pool: 'corp', owner: 'one-more' }), 'LEDGER_TOO_LARGE');
    expect(error.message).to.match(
      new RegExp(
        `^address space "${NS}": the Kubernetes ledger \\(IpamLedger "ledger" in namespace "${NS}"\\) would be \\d+ bytes, over its limit of 1500 bytes \\(etcd refuses objects over 1\\.5 MiB\\); ` +
          `it holds ${granted + 1} allocations \\(about \\d+ bytes each\\)\\. Release and reclaim allocations, delete unused pools, or move pools to another namespace$`,
      ),
    );
    expect(error.status).to.equal(507);
    const after = await store.read(NS);
    expect(after.version).to.equal(before.version);
    expect(after.allocations.map((a) => a.owner)).to.deep.equal(before.allocations.map((a) => a.owner));
    await ipam.close();
  });

  it('near the limit still releases and deletes; a batch refused as a whole is decided operation by operation', async () => {
    // A limit large enough for the audit trail (up to 128 events, added by every release too) to
    // leave the releases the headroom they have under the real 1 MiB.
    const store = new KubernetesStore(new KubeClient(loadKubeconfig({ kubeconfig: t.cluster.kubeconfig })), { namespace: NS, maxLedgerBytes: 2_500 });
    const ipam = Ipam.create(store, { actor: 'test' });
    await ipam.createPool({ space: NS, name: 'corp', cidr: '10.0.0.0/16', defaultPrefixLength: 28, gracePeriodSeconds: 0 });
    const owners: string[] = [];
    for (let i = 0; i < 1_000; i++) {
      const granted = await ipam.allocate({ space: NS, pool: 'corp', owner: `app-${i}` }).then(() => true, () => false);
      if (!granted) break;
      owners.push(`app-${i}`);
    }
    expect(owners.length).to.be.within(30, 300);
    // A release grows its record (releasedAt), but adds none: it passes, even batched with an allocation that is refused.
    const [released, refused] = await Promise.allSettled([
      ipam.release({ space: NS, pool: 'corp', owner: owners[0] }),
      ipam.allocate({ space: NS, pool: 'corp', owner: 'one-more' }),
    ]);
    expect(released.status).to.equal('fulfilled');
    expect(refused.status === 'rejected' && (refused.reason as { code: string }).code).to.equal('LEDGER_TOO_LARGE');
    for (const owner of owners.slice(1)) await ipam.release({ space: NS, pool: 'corp', owner });
    expect((await ipam.listAllocations({ space: NS, pool: 'corp' })).every((a) => a.status === 'released')).to.equal(true);
    await ipam.deletePool({ space: NS, pool: 'corp' });
    expect((await store.read(NS)).pools).to.deep.equal([]);
    await ipam.close();
  });

  it('stops before the API server would refuse: past 1.5 MiB etcd answers "request is too large"', async () => {
    const writes = [{ type: 'savePool' as const, pool: FILL_POOLS.blocks }, ...Array.from({ length: 120_000 }, (_, i) => ({ type: 'saveAllocation' as const, allocation: blockRecord(i, false) }))];
    const checked = new KubernetesStore(new KubeClient(loadKubeconfig({ kubeconfig: t.cluster.kubeconfig })), { namespace: NS });
    const unchecked = new KubernetesStore(new KubeClient(loadKubeconfig({ kubeconfig: t.cluster.kubeconfig })), { namespace: NS, maxLedgerBytes: 4 * 1024 * 1024 });
    await expectIpamError(checked.commit({ space: NS, expectedVersion: 0, writes, audit: [] }), 'LEDGER_TOO_LARGE');
    const refused = await expectIpamError(unchecked.commit({ space: NS, expectedVersion: 0, writes, audit: [] }), 'STORE_UNAVAILABLE');
    expect(refused.message).to.match(/answered 500 InternalError: .*etcdserver: request is too large/);
    expect((await checked.read(NS)).version).to.equal(0);
    await Promise.all([checked.close(), unchecked.close()]);
  });
});
