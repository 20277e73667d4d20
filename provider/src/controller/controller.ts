import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { KubeClient, requestOptions } from '../store/kubernetes/client';
import { loadKubeconfig } from '../store/kubernetes/kubeconfig';
import { KubernetesIpam } from '../backends/kubernetes/kubernetes-ipam';
import { GROUP, KubeObject, PLURAL, VERSION } from '../store/kubernetes/resources';
import { kubernetesBackend } from '../backends/kubernetes/open';
import { COMPONENT, EventRecorder } from './events';
import { ControllerMetrics } from './health';
import { LeaderElector } from './leader';
import { Backoff, DEFAULT_BACKOFF, NamespaceQueue } from './queue';
import { Reconciler, isAppliedObject } from './reconciler';
import { ResumableWatch } from './resumable-watch';

/**
 * `ipam controller`: reconciles the SubnetPool, SubnetPoolClaim, SliceIpam and ClientIp objects
 * that a person or a GitOps tool applied, through the same engine and ledger as the Pulumi
 * provider and the `ipam` command (so all three share a namespace and never hand out a block
 * twice). Replicas elect a leader with a Lease; only the leader watches and reconciles.
 *
 * The leader watches the four kinds and the IpamLedgers in all namespaces; each event queues
 * its namespace for a reconcile pass (reconciler.ts), and every namespace seen is passed again
 * every resyncMs (grace periods end without an event).
 */
export interface ControllerOptions {
  kubeconfig?: string;
  context?: string;
  /** This replica's name in the Lease (the pod name in a cluster). */
  identity: string;
  lease: { namespace: string; name: string; durationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
  resyncMs: number;
  backoff?: Backoff;
  log: (message: string) => void;
  /** Called when this replica loses the Lease while leading (the command exits, as client-go's controllers do). */
  onLostLease?: () => void;
}

const WATCHED: string[] = [PLURAL.SubnetPool, PLURAL.SliceIpam, PLURAL.SubnetPoolClaim, PLURAL.ClientIp, PLURAL.IpamLedger];

export class Controller {
  readonly metrics = new ControllerMetrics();
  private readonly config: KubeConfig;
  private readonly ipam: KubernetesIpam;
  private readonly elector: LeaderElector;
  private readonly reconciler: Reconciler;
  private readonly seen = new Set<string>();
  private readonly listed = new Set<string>();
  private watches: ResumableWatch[] = [];
  private queue: NamespaceQueue | undefined;
  private resync: NodeJS.Timeout | undefined;

  constructor(private readonly options: ControllerOptions) {
    this.config = loadKubeconfig({ kubeconfig: options.kubeconfig, context: options.context });
    const client = new KubeClient(this.config);
    this.ipam = kubernetesBackend(client, { warn: options.log, actor: COMPONENT }).ipam;
    const events = new EventRecorder(this.config.makeApiClient(CoreV1Api), options.identity, options.log);
    this.reconciler = new Reconciler(this.ipam, client, events, { count: (kind, result) => this.metrics.reconciles.inc({ kind, result }) });
    this.elector = new LeaderElector(
      this.config.makeApiClient(CoordinationV1Api),
      { ...options.lease, identity: options.identity, leaseDurationMs: options.lease.durationMs },
      {
        onStartedLeading: () => this.lead(),
        onStoppedLeading: () => void this.follow().then(() => options.onLostLease?.()),
        onNewLeader: (who) => options.log(`leader: ${who}`),
        log: options.log,
      },
    );
  }

  start(): void {
    this.elector.start();
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  /** A follower that has read the Lease; a leader whose watches have all listed once. */
  get ready(): boolean {
    return this.elector.ready && (!this.elector.isLeader || this.listed.size === WATCHED.length);
  }

  /** Resolves when no reconcile is queued or running (for tests and a clean shutdown). */
  async idle(): Promise<void> {
    await this.queue?.idle();
  }

  async stop(): Promise<void> {
    await this.follow();
    await this.elector.stop();
    await this.ipam.close();
  }

  private lead(): void {
    this.metrics.leader.set(1);
    const queue = new NamespaceQueue(
      async (namespace) => {
        this.metrics.queueDepth.set(queue.depth);
        await this.reconciler.reconcileNamespace(namespace);
      },
      (namespace, error, attempt, retryInMs) =>
        this.options.log(`namespace ${namespace}: pass ${attempt} failed: ${(error as Error).message}${retryInMs === undefined ? '; waiting for the next change' : `; again in ${retryInMs} ms`}`),
      this.options.backoff ?? DEFAULT_BACKOFF,
    );
    this.queue = queue;
    const objects = this.config.makeApiClient(CustomObjectsApi);
    this.watches = WATCHED.map((plural) => {
      const watch = new ResumableWatch(
        this.config,
        {
          path: `/apis/${GROUP}/${VERSION}/${plural}`,
          list: async () => {
            const list = (await objects.listClusterCustomObject({ group: GROUP, version: VERSION, plural }, requestOptions())) as { items: KubeObject[]; metadata: { resourceVersion: string } };
            return { items: list.items, resourceVersion: list.metadata.resourceVersion };
          },
        },
        {
          onObject: (object) => {
            const namespace = object.metadata.namespace;
            if (namespace === undefined || (plural !== PLURAL.IpamLedger && !isAppliedObject(object))) return;
            this.seen.add(namespace);
            queue.add(namespace);
          },
          onListed: () => this.listed.add(plural),
          onRestart: (reason, error) => {
            this.metrics.watchRestarts.inc({ resource: plural, reason });
            if (reason === 'error') this.options.log(`watch ${plural}: ${(error as Error)?.message ?? error}; resuming`);
          },
        },
      );
      watch.start();
      return watch;
    });
    this.resync = setInterval(() => {
      for (const namespace of this.seen) queue.add(namespace);
    }, this.options.resyncMs);
  }

  private async follow(): Promise<void> {
    this.metrics.leader.set(0);
    if (this.resync !== undefined) clearInterval(this.resync);
    const watches = this.watches.splice(0);
    this.listed.clear();
    await Promise.all(watches.map((w) => w.stop()));
    await this.queue?.stop();
    this.queue = undefined;
  }
}
