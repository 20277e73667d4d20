import { Ipam, IpamOptions } from '../../engine/ipam';
import { isIpamError } from '../../errors';
import { IpamApi } from '../../model/api';
import { KubernetesStore } from './store';

/**
 * The IpamApi on the Kubernetes backend: the engine over the Kubernetes store, with
 *   - the configured namespace (stack config ipam:namespace, IPAM_NAMESPACE) for requests that
 *     name no address space, listing and searching included: a Role grants a namespace, not the
 *     cluster;
 *   - pools deleted with kubectl: the store reports them, and they are deleted through the
 *     engine's own rule (refused while they hold live allocations or child pools, the refusal
 *     shown as a DeletionBlocked condition on the object, tried again after later changes);
 *   - every call resolving only once that follow-up work is done, so a caller that reads the
 *     cluster right after a call sees its effect.
 */
export class KubernetesIpam implements IpamApi {
  private readonly deleting = new Set<string>();

  private constructor(
    private readonly engine: Ipam,
    private readonly store: KubernetesStore,
    readonly namespace: string,
  ) {
    store.onDeletionRequested = (space, pool) => this.deleteAskedWithKubectl(space, pool);
  }

  static create(store: KubernetesStore, namespace: string, options: IpamOptions = {}): KubernetesIpam {
    return new KubernetesIpam(Ipam.create(store, options), store, namespace);
  }

  createPool: IpamApi['createPool'] = (input) => this.settled(this.engine.createPool(this.inSpace(input)));
  updatePool: IpamApi['updatePool'] = (input) => this.settled(this.engine.updatePool(this.inSpace(input)));
  deletePool: IpamApi['deletePool'] = (ref) => this.settled(this.engine.deletePool(this.inSpace(ref)));
  getPool: IpamApi['getPool'] = (ref) => this.settled(this.engine.getPool(this.inSpace(ref)));
  listPools: IpamApi['listPools'] = (filter = {}) => this.settled(this.engine.listPools(this.inSpace(filter)));
  allocate: IpamApi['allocate'] = (input) => this.settled(this.engine.allocate(this.inSpace(input)));
  release: IpamApi['release'] = (input) => this.settled(this.engine.release(this.inSpace(input)));
  getAllocation: IpamApi['getAllocation'] = (input) => this.settled(this.engine.getAllocation(this.inSpace(input)));
  listAllocations: IpamApi['listAllocations'] = (ref) => this.settled(this.engine.listAllocations(this.inSpace(ref)));
  isAvailable: IpamApi['isAvailable'] = (input) => this.settled(this.engine.isAvailable(this.inSpace(input)));
  find: IpamApi['find'] = (input) => this.settled(this.engine.find(this.inSpace(input)));
  check: IpamApi['check'] = (ref) => this.settled(this.engine.check(this.inSpace(ref)));
  listAudit: IpamApi['listAudit'] = (ref) => this.settled(this.engine.listAudit(this.inSpace(ref)));
  importRecords: IpamApi['importRecords'] = (input) => this.settled(this.engine.importRecords(this.inSpace(input)));
  syncSlice: IpamApi['syncSlice'] = (input) => this.settled(this.engine.syncSlice(input));
  getSlice: IpamApi['getSlice'] = (ref) => this.settled(this.engine.getSlice(ref));
  deleteSlice: IpamApi['deleteSlice'] = (ref) => this.settled(this.engine.deleteSlice(ref));
  backend: IpamApi['backend'] = (ref) => this.engine.backend(this.inSpace(ref));

  close(): Promise<void> {
    return this.engine.close();
  }

  private inSpace<T extends { space?: string }>(input: T): T {
    return input.space === undefined ? { ...input, space: this.namespace } : input;
  }

  private async settled<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } finally {
      await this.store.idle();
    }
  }

  private deleteAskedWithKubectl(space: string, pool: string): void {
    const key = JSON.stringify([space, pool]);
    if (this.deleting.has(key)) return;
    this.deleting.add(key);
    const attempt = this.engine
      .as('kubectl')
      .deletePool({ space, pool })
      .catch(async (e) => {
        if (isIpamError(e) && e.code === 'POOL_IN_USE') await this.store.reportDeletionBlocked(space, pool, e.message);
        else if (!(isIpamError(e) && e.code === 'POOL_NOT_FOUND')) process.stderr.write(`ipam: warning: deleting pool "${pool}" as asked with kubectl failed: ${(e as Error).message}\n`);
      })
      .finally(() => this.deleting.delete(key));
    this.store.track(attempt);
  }
}
