import { expect } from 'chai';
import fc from 'fast-check';
import { openKubernetes } from '../../provider/src/backends/kubernetes/open';
import { desiredPool, ledgerState, memberKey } from '../../provider/src/backends/kubernetes/projection/desired';
import { LedgerStates } from '../../provider/src/backends/kubernetes/projection/state-cache';
import { SpaceState } from '../../provider/src/engine/space-state';
import { StoreWrite } from '../../provider/src/engine/store';
import { applyCommit, emptyLedger } from '../../provider/src/store/kubernetes/ledger';
import { allocationRecord, poolRecord } from '../support/records';
import { derivedDifferences } from './derived-check';
import { FILL_POOLS, fillRecord, fillSpace } from './fill';
import { useCluster } from './setup';

/**
 * The objects kubectl shows stay one per allocation at any size; what keeps that usable is that
 * a commit's projection pass costs what the commit changed: it writes only the members the
 * commit touched (no listing of a pool's members), draws only those, and updates the engine view
 * it keeps instead of rebuilding it from the whole ledger.
 */
const NS = 'sized';

describe('Kubernetes projection: a commit costs what it changed', function () {
  this.timeout(180_000);
  const t = useCluster([NS]);

  it('after a commit of one allocation in a namespace of 400, the ledger, one member and the pool object are written, nothing is listed but the pools', async function () {
    if (t.cluster.standIn === undefined) this.skip();
    const { ipam, store } = openKubernetes({ kubeconfig: t.cluster.kubeconfig, namespace: NS }, { actor: 'test' });
    await fillSpace(store, NS, 400, 200);
    await store.idle();
    const requests: string[] = [];
    t.cluster.standIn.hooks.beforeHandle = (r) => requests.push(`${r.verb} ${r.resource}`);
    try {
      await ipam.allocate({ pool: FILL_POOLS.peers.name, owner: 'one-more-peer', kind: 'host' });
      expect(requests.sort()).to.deep.equal(['create clientips', 'get ipamledgers', 'list sliceipams', 'list subnetpools', 'update clientips/status', 'update ipamledgers', 'update subnetpools/status']);
      requests.length = 0;
      await ipam.release({ pool: FILL_POOLS.blocks.name, owner: fillRecord(7, 400).owner });
      // No read of the ledger first: the engine decides on its cached space, and the update's
      // compare-and-swap (resourceVersion) proves that cache current.
      expect(requests.sort()).to.deep.equal([
        'get subnetpoolclaims',
        'list sliceipams',
        'list subnetpools',
        'update ipamledgers',
        'update subnetpoolclaims',
        'update subnetpoolclaims/status',
        'update subnetpools/status',
      ]);
    } finally {
      t.cluster.standIn.hooks.beforeHandle = undefined;
    }
    expect(await derivedDifferences(t.api, NS)).to.deep.equal([]);
    await ipam.close();
  });
});

describe('Kubernetes projection: the engine view kept between passes', () => {
  const view = (state: SpaceState) =>
    [...state.pools.values()].map((p) => [p.record, [...p.allocations.values()].map((a) => a.record).sort((a, b) => (a.owner < b.owner ? -1 : 1)), [...p.children.keys()].sort()]);

  it('after any run of commits, equals the view built from the whole ledger', () => {
    const write = fc.oneof(
      fc.record({ t: fc.constant('put' as const), owner: fc.nat(5), block: fc.nat(15), released: fc.boolean() }),
      fc.record({ t: fc.constant('del' as const), owner: fc.nat(5) }),
      fc.record({ t: fc.constant('child' as const), put: fc.boolean() }),
      fc.record({ t: fc.constant('grace' as const), seconds: fc.nat(100) }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(write, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }), (commits) => {
        const states = new LedgerStates();
        let spec = applyCommit(emptyLedger(), [{ type: 'savePool', pool: poolRecord('p', '10.0.0.0/20') }], [], 1);
        states.stateOf('ns', spec);
        for (const ops of commits) {
          const writes: StoreWrite[] = ops.map((op): StoreWrite => {
            switch (op.t) {
              case 'put':
                return { type: 'saveAllocation', allocation: allocationRecord('p', `o${op.owner}`, `10.0.${op.block}.0/24`, op.released ? { status: 'released', releasedAt: '2026-01-02T00:00:00.000Z' } : {}) };
              case 'del':
                return { type: 'removeAllocation', pool: 'p', owner: `o${op.owner}` };
              case 'child':
                return op.put ? { type: 'savePool', pool: poolRecord('c', '10.0.15.0/24', { parent: 'p', owner: 'tenant' }) } : { type: 'removePool', name: 'c' };
              case 'grace':
                return { type: 'savePool', pool: poolRecord('p', '10.0.0.0/20', { gracePeriodSeconds: op.seconds }) };
            }
          });
          const base = spec;
          spec = applyCommit(base, writes, [], base.version + 1);
          let fresh: SpaceState;
          try {
            fresh = ledgerState(spec);
          } catch {
            // Writes that hold one block twice: no valid ledger to compare with; start again from the last good one.
            spec = base;
            continue;
          }
          expect(view(states.stateOf('ns', spec, { base, writes }))).to.deep.equal(view(fresh));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('draws only the members asked for: one of 50,000', () => {
    const spec = applyCommit(emptyLedger(), [{ type: 'savePool', pool: FILL_POOLS.blocks }, { type: 'savePool', pool: FILL_POOLS.peers }, ...Array.from({ length: 50_000 }, (_, i) => ({ type: 'saveAllocation' as const, allocation: fillRecord(i, 50_000) }))], [], 1);
    const owner = fillRecord(49_999, 50_000).owner;
    const desired = desiredPool(NS, ledgerState(spec), FILL_POOLS.peers.name, 1, Date.parse('2026-06-01T00:00:00Z'), new Set([memberKey.allocation(owner)]));
    expect(desired.members.map((m) => [m.kind, m.spec.owner])).to.deep.equal([['ClientIp', owner]]);
    expect(desired.object.status).to.include({ liveAllocations: 20_000 });
  });
});
