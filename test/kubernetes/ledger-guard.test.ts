import { expect } from 'chai';
import { Ipam } from '../../provider/src/engine/ipam';
import { StoreWrite } from '../../provider/src/engine/store';
import { AllocationRecord } from '../../provider/src/model/records';
import { KubeApiError, KubeClient } from '../../provider/src/store/kubernetes/client';
import { loadKubeconfig } from '../../provider/src/store/kubernetes/kubeconfig';
import { LedgerSpec, applyCommit, emptyLedger } from '../../provider/src/store/kubernetes/ledger';
import { API_VERSION, FINALIZER, KubeObject, LEDGER_NAME, MANAGED_BY, MANAGED_BY_LABEL, PLURAL } from '../../provider/src/store/kubernetes/resources';
import { KubernetesStore } from '../../provider/src/store/kubernetes/store';
import { allocationRecord, poolRecord } from '../support/records';
import { useCluster } from './setup';

/**
 * A release from before the compact ledger reads a compact one as an empty namespace at its
 * version, and its next commit would replace the records with its one change. The IpamLedger
 * CRD refuses that update (a CEL transition rule: once spec.encoding is there, it stays), while
 * earlier-format ledgers stay writable by earlier releases during a rolling upgrade.
 */
const NS = 'guarded';
const AT = '2026-01-01T00:00:00.000Z';
const REFUSAL =
  'IpamLedger.ipam.pulumi-ipam.dev "ledger" is invalid: spec: Invalid value: "object": spec.encoding may not be removed: this ledger is in the compact format, ' +
  'and an update without it comes from an earlier release of pulumi-ipam, which would drop every pool and allocation of the namespace; ' +
  'upgrade that writer (Pulumi provider, ipam command or controller) to the release that writes spec.encoding, or a later one';

/** A writer's one change, as the engine hands it to the store: a new owner in pool "corp". */
const granted = allocationRecord('corp', 'old-release-owner', '10.0.200.0/24', { allocatedAt: AT });
const newOwner: StoreWrite[] = [{ type: 'saveAllocation', allocation: granted }];

/**
 * The update an earlier release sends after reading `stored` (git 70ec468^, store.ts and ledger.ts):
 * load() spreads the stored spec over an empty ledger, applyCommit (the same function then, under
 * its earlier write names, returning the same five fields) adds the change at the next version,
 * and ledgerObject puts that spec, as it is, in the stored object's metadata (the CAS).
 */
function earlierReleaseUpdate(stored: KubeObject, writes: StoreWrite[]): KubeObject {
  const seen: LedgerSpec = { ...emptyLedger(), ...(stored.spec as Partial<LedgerSpec>) };
  const spec = applyCommit(seen, writes, [{ at: AT, pool: 'corp', action: 'allocate', owner: 'old-release-owner', cidr: '10.0.200.0/24', actor: 'pulumi' }], seen.version + 1);
  return { apiVersion: API_VERSION, kind: 'IpamLedger', metadata: stored.metadata, spec: spec as unknown as Record<string, unknown> };
}

async function refusalOf(call: Promise<unknown>): Promise<KubeApiError> {
  try {
    await call;
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(KubeApiError);
    return e as KubeApiError;
  }
  throw new Error('expected the API server to refuse the update');
}

const byOwner = (list: AllocationRecord[]) => [...list].sort((a, b) => (`${a.pool}/${a.owner}` < `${b.pool}/${b.owner}` ? -1 : 1));

describe('Kubernetes backend: an earlier release cannot wipe a compact ledger', function () {
  this.timeout(60_000);
  const t = useCluster([NS]);
  const client = () => new KubeClient(loadKubeconfig({ kubeconfig: t.cluster.kubeconfig }));

  it('refuses the earlier release\'s update of a compact ledger with a message naming the fix, and leaves every record in place', async () => {
    const store = new KubernetesStore(client(), { namespace: NS });
    const ipam = Ipam.create(store, { actor: 'test' });
    await ipam.createPool({ space: NS, name: 'corp', cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
    await ipam.createPool({ space: NS, name: 'vpn', cidr: '10.8.0.0/16' });
    for (let i = 0; i < 20; i++) await ipam.allocate({ space: NS, pool: 'corp', owner: `team-${i}` });
    await ipam.allocate({ space: NS, pool: 'vpn', owner: 'peer-1', kind: 'host' });
    const before = await new KubernetesStore(client(), { namespace: NS }).read(NS);
    const stored = (await client().get(PLURAL.IpamLedger, NS, LEDGER_NAME))!;
    expect(stored.spec).to.include({ version: 23, encoding: 'gzip-columns-v1', poolCount: 2, allocationCount: 21 });

    const update = earlierReleaseUpdate(stored, newOwner);
    expect(Object.keys(update.spec!).sort()).to.deep.equal(['allocations', 'audit', 'pools', 'revisions', 'version']);
    expect(update.spec).to.deep.include({ version: 24, pools: [], allocations: [granted] });
    const refused = await refusalOf(client().replace(PLURAL.IpamLedger, NS, update));
    expect([refused.code, refused.reason, refused.message]).to.deep.equal([422, 'Invalid', REFUSAL]);

    const after = (await client().get(PLURAL.IpamLedger, NS, LEDGER_NAME))!;
    expect(after.metadata.resourceVersion).to.equal(stored.metadata.resourceVersion);
    expect(after.spec).to.deep.equal(stored.spec);
    const read = await new KubernetesStore(client(), { namespace: NS }).read(NS);
    expect(read.version).to.equal(23);
    expect(read.pools).to.deep.equal(before.pools);
    expect(byOwner(read.allocations)).to.deep.equal(byOwner(before.allocations));
    expect(read.allocations).to.have.length(21);

    // This release's own commits on the compact ledger keep spec.encoding, and pass.
    expect((await ipam.allocate({ space: NS, pool: 'corp', owner: 'after-refusal' })).cidr).to.equal('10.0.20.0/24');
    const latest = (await client().get(PLURAL.IpamLedger, NS, LEDGER_NAME))!;
    expect(latest.spec).to.include({ version: 24, encoding: 'gzip-columns-v1', poolCount: 2, allocationCount: 22 });
    await ipam.close();
  });

  it('still lets an earlier release write a ledger in the earlier format (a rolling upgrade)', async () => {
    const earlier = applyCommit(
      emptyLedger(),
      [
        { type: 'savePool', pool: poolRecord('corp', '10.0.0.0/16', { defaultPrefixLength: 24 }) },
        { type: 'saveAllocation', allocation: allocationRecord('corp', 'web', '10.0.0.0/24') },
      ],
      [],
      5,
    );
    const created = await client().create(PLURAL.IpamLedger, NS, {
      apiVersion: API_VERSION,
      kind: 'IpamLedger',
      metadata: { name: LEDGER_NAME, namespace: NS, labels: { [MANAGED_BY_LABEL]: MANAGED_BY }, finalizers: [FINALIZER] },
      spec: earlier as unknown as Record<string, unknown>,
    });

    const updated = await client().replace(PLURAL.IpamLedger, NS, earlierReleaseUpdate(created, newOwner));
    expect(updated.spec).to.not.have.property('encoding');
    const read = await new KubernetesStore(client(), { namespace: NS }).read(NS);
    expect(read.version).to.equal(6);
    expect(read.allocations.map((a) => `${a.pool}/${a.owner} ${a.cidr}`).sort()).to.deep.equal(['corp/old-release-owner 10.0.200.0/24', 'corp/web 10.0.0.0/24']);
  });
});
