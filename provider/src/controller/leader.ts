import { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { requestOptions } from '../store/kubernetes/client';

/**
 * Leader election with a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
 * every retryPeriod a candidate reads the Lease; it takes it when there is none, when it holds
 * it already (a renewal), or when the holder has not renewed it for leaseDuration as this
 * candidate measured it (its own clock, from when it last saw the Lease change, so clock skew
 * between replicas does not matter). Every write is a compare-and-swap on resourceVersion, so two
 * candidates never both win. A leader that cannot renew within renewDeadline stops leading
 * (the controller then exits, and its replacement becomes a candidate again).
 */
export interface LeaseOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export interface LeaderCallbacks {
  onStartedLeading(): void;
  onStoppedLeading(): void;
  onNewLeader?(identity: string): void;
  log?(message: string): void;
}

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private observed: { record: string; atMs: number } | undefined;
  private lastRenewMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private leader: string | undefined;
  /** A Lease call that hangs must not outlive the renew deadline unnoticed: every call has a timeout. */
  private readonly call = requestOptions();
  /** Set once the Lease could be read or written: the replica knows where it stands. */
  ready = false;

  constructor(
    private readonly api: CoordinationV1Api,
    private readonly options: LeaseOptions,
    private readonly callbacks: LeaderCallbacks,
    private readonly nowMs: () => number = Date.now,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    void this.tick();
  }

  /** Stops campaigning; a leader gives the Lease up (holder cleared) so another replica takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.api.readNamespacedLease({ namespace: this.options.namespace, name: this.options.name }, this.call);
      if (lease.spec?.holderIdentity === this.options.identity) {
        await this.api.replaceNamespacedLease({ namespace: this.options.namespace, name: this.options.name, body: { ...lease, spec: { ...lease.spec, holderIdentity: undefined, leaseDurationSeconds: 1 } } }, this.call);
      }
    } catch {
      // Releasing is a courtesy: the Lease expires anyway.
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.tryAcquireOrRenew();
      this.ready = true;
    } catch (e) {
      this.callbacks.log?.(`lease ${this.options.namespace}/${this.options.name}: ${(e as Error).message}`);
    }
    if (this.leading && this.nowMs() - this.lastRenewMs > this.options.renewDeadlineMs) {
      this.leading = false;
      this.callbacks.log?.(`lease ${this.options.namespace}/${this.options.name}: not renewed within ${this.options.renewDeadlineMs} ms; stepping down`);
      this.callbacks.onStoppedLeading();
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.options.retryPeriodMs);
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const { namespace, name, identity } = this.options;
    const now = this.nowMs();
    const micro = new Date(now);
    let lease: V1Lease | undefined;
    try {
      lease = await this.api.readNamespacedLease({ namespace, name }, this.call);
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
    const durationSeconds = Math.max(1, Math.ceil(this.options.leaseDurationMs / 1000));
    if (lease === undefined) {
      await this.api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: micro, renewTime: micro, leaseTransitions: 0 } } }, this.call);
      this.won(now);
      return;
    }
    const spec = lease.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseTransitions]);
    if (this.observed?.record !== record) this.observed = { record, atMs: now };
    const holder = spec.holderIdentity ?? '';
    if (holder !== this.leader) {
      this.leader = holder;
      if (holder !== '') this.callbacks.onNewLeader?.(holder);
    }
    const heldByMe = holder === identity;
    const expired = holder === '' || this.observed.atMs + (spec.leaseDurationSeconds ?? durationSeconds) * 1000 <= now;
    if (!heldByMe && !expired) return;
    const next: V1Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        renewTime: micro,
        ...(heldByMe ? {} : { acquireTime: micro, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
      },
    };
    await this.api.replaceNamespacedLease({ namespace, name, body: next }, this.call);
    this.won(now);
  }

  private won(now: number): void {
    this.lastRenewMs = now;
    this.leader = this.options.identity;
    if (this.leading) return;
    this.leading = true;
    this.callbacks.log?.(`lease ${this.options.namespace}/${this.options.name}: ${this.options.identity} is the leader`);
    this.callbacks.onStartedLeading();
  }
}
