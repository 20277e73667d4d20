import { Ipam } from '../../engine/ipam';
import { IpamApi } from '../../model/api';

/**
 * The IpamApi on the Kubernetes backend: the engine over the Kubernetes store, with
 *   - the configured namespace (stack config ipam:namespace, IPAM_NAMESPACE) for requests that
 *     name no address space, listing and searching included: a Role grants a namespace, not the
 *     cluster;
 *   - every call resolving only once the follow-up work in the background is done (the objects
 *     kubectl shows, pools deleted with kubectl: see ./open.ts), so a caller that reads the
 *     cluster right after a call sees its effect.
 * Made only by ./open.ts, which wires the store, its projection and the kubectl deletions.
 */
export class KubernetesIpam implements IpamApi {
  constructor(
    private readonly engine: Ipam,
    /** Resolves once the background work is done. */
    private readonly idle: () => Promise<void>,
    readonly namespace: string,
  ) {}

  createPool: IpamApi['createPool'] = (input) => this.settled(this.engine.createPool(this.inSpace(input)));
  updatePool: IpamApi['updatePool'] = (input) => this.settled(this.engine.updatePool(this.inSpace(input)));
  deletePool: IpamApi['deletePool'] = (ref) => this.settled(this.engine.deletePool(this.inSpace(ref)));
  getPool: IpamApi['getPool'] = (ref) => this.settled(this.engine.getPool(this.inSpace(ref)));
  listPools: IpamApi['listPools'] = (filter = {}) => this.settled(this.engine.listPools(this.inSpace(filter)));
  allocate: IpamApi['allocate'] = (input) => this.settled(this.engine.allocate(this.inSpace(input)));
  allocateBySelector: IpamApi['allocateBySelector'] = (input) => this.settled(this.engine.allocateBySelector(this.inSpace(input)));
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

  /** The same backend, recording another actor in the audit trail (as Ipam.as does in process). */
  as(actor: string): KubernetesIpam {
    return new KubernetesIpam(this.engine.as(actor), this.idle, this.namespace);
  }

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
      await this.idle();
    }
  }
}
