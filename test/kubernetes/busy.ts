import { isDeepStrictEqual } from 'node:util';
import { DerivedObjects } from '../../provider/src/backends/kubernetes/projection/sync';
import { Ipam } from '../../provider/src/engine/ipam';
import { SpaceRead, Store } from '../../provider/src/engine/store';
import { KubeClient } from '../../provider/src/store/kubernetes/client';
import { loadKubeconfig } from '../../provider/src/store/kubernetes/kubeconfig';
import { emptyLedger } from '../../provider/src/store/kubernetes/ledger';
import { readStoredSpec } from '../../provider/src/store/kubernetes/ledger-format';
import { KubeObject, LEDGER_NAME, PLURAL, POOL_LABEL } from '../../provider/src/store/kubernetes/resources';
import { KubernetesStore } from '../../provider/src/store/kubernetes/store';
import { AllocationRecord, PoolRecord } from '../../provider/src/model/records';
import { TestCluster } from './cluster';
import { FILL_POOLS, fillSpace } from './fill';

/**
 * A user's busy namespace for the suites that otherwise start empty: 50,000 allocations (fill.ts,
 * in 100.64.0.0/10, away from the suites' 10.x pools) filled once per run through the store's
 * real commit path, then captured, and restored before each test into every namespace it uses
 * with a create of the captured IpamLedger (a real API server takes that create: the object is
 * pruned and validated against crds/, and gets a new uid and resourceVersion, as any create does).
 *
 * What a restore does not bring back: the 50,000 SubnetPoolClaim and ClientIp objects kubectl
 * would show. It restores the two fill pools' own SubnetPool objects as the projection drew
 * them, their mark (status.ledgerVersion) included, which tells the projection their members
 * are drawn. Without that mark, the first read of the namespace by each process draws all
 * 50,000 members (about 100,000 requests, some 9 minutes on the stand-in) before the call
 * returns: what a namespace whose ledger was written without its objects would also meet.
 */
export const BUSY_COUNT = 50_000;
const FILL_NAMES = new Set([FILL_POOLS.blocks.name, FILL_POOLS.peers.name]);
const SCRATCH = 'busy-fill';

interface Captured {
  ledger: KubeObject;
  /** The fill pools' SubnetPool objects, status included. */
  pools: KubeObject[];
  fill: AllocationRecord[];
}

let captured: Promise<Captured> | undefined;

/** What of a read the suites see: everything but the fill pools and their allocations. */
export function withoutFill(read: SpaceRead): SpaceRead {
  return { ...read, pools: read.pools.filter((p) => !FILL_NAMES.has(p.name)), allocations: read.allocations.filter((a) => !FILL_NAMES.has(a.pool)) };
}

export const isFillPool = (pool: string): boolean => FILL_NAMES.has(pool);

/**
 * The busy namespaces of one cluster: restores the captured fill, and checks that what the
 * tests did beside it left it exactly as filled.
 */
export class BusyNamespaces {
  /** The namespaces restored since the cluster's last reset, with the ledger's resourceVersion last seen intact. */
  private readonly restored = new Map<string, string>();
  private readonly client: KubeClient;

  constructor(private readonly cluster: TestCluster) {
    this.client = new KubeClient(loadKubeconfig({ kubeconfig: cluster.kubeconfig }));
  }

  /** Resets the cluster's state in `namespaces`, then gives each the 50,000 of the fill. */
  async reset(namespaces: string[]): Promise<void> {
    const fill = await (captured ??= capture(this.cluster, this.client));
    await this.cluster.reset(namespaces);
    this.restored.clear();
    for (const namespace of namespaces) {
      const ledger = await this.client.create(PLURAL.IpamLedger, namespace, creatable(fill.ledger));
      if (!isDeepStrictEqual(ledger.spec, fill.ledger.spec) || ledger.metadata.uid === fill.ledger.metadata.uid) {
        throw new Error(`the restore of the fill into ${namespace} was not stored as sent, or kept the captured uid`);
      }
      for (const pool of fill.pools) {
        const created = await this.client.create(PLURAL.SubnetPool, namespace, creatable(pool));
        await this.client.replaceStatus(PLURAL.SubnetPool, namespace, { ...created, status: pool.status });
      }
      this.restored.set(namespace, ledger.metadata.resourceVersion!);
    }
  }

  /**
   * Throws unless each restored namespace still holds the fill pools and their 50,000
   * records exactly as filled (a namespace whose ledger was not written since is not decoded),
   * and the projection has started drawing none of their members (it would take minutes).
   */
  async checkIntact(): Promise<void> {
    const fill = await captured!;
    for (const [namespace, seen] of this.restored) {
      for (const pool of FILL_NAMES) {
        const drawn = (await this.client.list(PLURAL.SubnetPoolClaim, namespace, `${POOL_LABEL}=${pool}`)).length + (await this.client.list(PLURAL.ClientIp, namespace, `${POOL_LABEL}=${pool}`)).length;
        if (drawn > 0) throw new Error(`namespace ${namespace}: the projection drew ${drawn} member objects of fill pool ${pool}`);
      }
      const object = (await this.client.get(PLURAL.IpamLedger, namespace, LEDGER_NAME))!;
      if (object.metadata.resourceVersion === seen) continue;
      const spec = readStoredSpec(namespace, object.spec);
      const pools = spec.pools.filter((p) => FILL_NAMES.has(p.name)).sort((a, b) => a.name.localeCompare(b.name));
      const allocations = spec.allocations.filter((a) => FILL_NAMES.has(a.pool));
      if (!isDeepStrictEqual(pools, [FILL_POOLS.blocks, FILL_POOLS.peers] as PoolRecord[])) throw new Error(`namespace ${namespace}: the fill pools changed: ${JSON.stringify(pools)}`);
      if (!isDeepStrictEqual(allocations, fill.fill)) throw new Error(`namespace ${namespace}: the ${BUSY_COUNT} allocations of the fill changed (${allocations.length} now)`);
      this.restored.set(namespace, object.metadata.resourceVersion!);
    }
  }

  /** Throws unless the engine's consistency check of each fill pool is clean in every restored namespace. */
  async checkConsistent(): Promise<void> {
    for (const namespace of this.restored.keys()) {
      const ipam = Ipam.create(new KubernetesStore(this.client, { namespace }));
      for (const pool of FILL_NAMES) {
        const { issues } = await ipam.check({ space: namespace, pool });
        if (issues.length > 0) throw new Error(`namespace ${namespace}, pool ${pool}: ${JSON.stringify(issues.slice(0, 5))}`);
      }
      await ipam.close();
    }
  }
}

/** Fills a scratch namespace through the store's commit path and draws the fill pools' objects; keeps what a restore needs. */
async function capture(cluster: TestCluster, client: KubeClient): Promise<Captured> {
  await cluster.ensureNamespace(SCRATCH);
  await cluster.reset([SCRATCH]);
  const store: Store = new KubernetesStore(client, { namespace: SCRATCH });
  await fillSpace(store, SCRATCH, BUSY_COUNT);
  const fill = (await store.read(SCRATCH)).allocations;
  await store.close();
  const ledger = (await client.get(PLURAL.IpamLedger, SCRATCH, LEDGER_NAME))!;
  // The projection's own pass over a commit that, as it is told, left every member as it was:
  // it draws each pool's object with its mark, and no member.
  await new DerivedObjects(client).sync(SCRATCH, readStoredSpec(SCRATCH, ledger.spec), { base: emptyLedger(), writes: [] });
  const pools = await client.list(PLURAL.SubnetPool, SCRATCH);
  if (pools.length !== FILL_NAMES.size || (await client.list(PLURAL.SubnetPoolClaim, SCRATCH)).length > 0) throw new Error('the fill pools were not drawn as expected');
  await cluster.reset([SCRATCH]);
  return { ledger, pools, fill };
}

/** The object as a client creates it: name, labels, annotations and finalizers; no server-owned metadata, no status. */
function creatable(object: KubeObject): KubeObject {
  const { name, labels, annotations, finalizers } = object.metadata;
  return { apiVersion: object.apiVersion, kind: object.kind, metadata: { name, labels, annotations, finalizers }, spec: object.spec };
}
