import { isDeepStrictEqual } from 'node:util';
import { IpamError, messageFor } from '../errors';
import { KUBERNETES_HINTS } from './hints';
import { IpamApi } from '../model/api';
import { appliedCreator } from '../store/kubernetes/applied';
import { KubeClient } from '../store/kubernetes/client';
import { GROUP, KubeObject, MANAGED_BY, MANAGED_BY_LABEL } from '../store/kubernetes/resources';
import { Status, condition, conditionsOf, eventReason, isTransient, isWaitingFor } from './conditions';
import { EventRecorder, ObjectEvent } from './events';
import { KindHandler, ReconcileInput } from './handler';
import { clientIpHandler } from './client-ip';
import { sliceIpamHandler } from './slice-ipam';
import { subnetPoolHandler } from './subnet-pool';
import { subnetPoolClaimHandler } from './subnet-pool-claim';

/**
 * One reconcile pass over a namespace: every applied object of the four kinds (those without
 * the label app.kubernetes.io/managed-by=pulumi-ipam, which marks the views the engine writes
 * itself) is brought in line through the engine, pools first, then slices, claims and client
 * IPs. Level-triggered: a pass reads everything afresh, so any event in the namespace (an
 * object applied, the ledger changed by Pulumi or `ipam`) just asks for another pass, and a
 * pass that finds nothing to do writes nothing.
 *
 * An applied object gets the finalizer ipam.pulumi-ipam.dev/release before anything is
 * allocated for it, so deleting it always gives back what it held; a pool still in use keeps
 * its object (condition DeletionBlocked, reason PoolInUse, and a Warning Event) until it is empty.
 */
const RELEASE_FINALIZER = `${GROUP}/release`;

const HANDLERS: KindHandler[] = [subnetPoolHandler, sliceIpamHandler, subnetPoolClaimHandler, clientIpHandler];
/** Refusals of a release that mean the object holds nothing (any more, or never did). */
const NOTHING_HELD = ['POOL_NOT_FOUND', 'ALLOCATION_NOT_FOUND', 'CREATOR_MISMATCH'];

export const isAppliedObject = (object: KubeObject): boolean => object.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY;

export interface ReconcileCounts {
  /** kind, and "ok", "refused" (the engine said no) or "retry" (the backend failed). */
  count(kind: string, result: 'ok' | 'refused' | 'retry'): void;
}

export class Reconciler {
  constructor(
    private readonly ipam: IpamApi,
    private readonly client: KubeClient,
    private readonly events: EventRecorder,
    private readonly counts: ReconcileCounts = { count: () => undefined },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Throws the first backend failure after trying every object (the queue retries the namespace). */
  async reconcileNamespace(namespace: string): Promise<void> {
    let failure: unknown;
    for (const handler of HANDLERS) {
      const objects = (await this.client.list(handler.plural, namespace)).filter(isAppliedObject);
      // Root pools before the pools nested in them; deeper levels follow on the next pass.
      objects.sort((a, b) => Number(a.spec?.parentRef !== undefined) - Number(b.spec?.parentRef !== undefined));
      for (const object of objects) {
        try {
          await this.reconcileObject(handler, namespace, object);
        } catch (e) {
          this.counts.count(handler.kind, 'retry');
          failure ??= e;
        }
      }
    }
    if (failure !== undefined) throw failure;
  }

  private async reconcileObject(handler: KindHandler, namespace: string, found: KubeObject): Promise<void> {
    let object = found;
    const input = (): ReconcileInput => ({ ipam: this.ipam, object, namespace, creator: appliedCreator(namespace, handler.kind, object.metadata.name), now: this.now() });
    const finalizers = object.metadata.finalizers ?? [];
    if (object.metadata.deletionTimestamp !== undefined) {
      if (finalizers.includes(RELEASE_FINALIZER)) await this.release(handler, namespace, input());
      return;
    }
    if (!finalizers.includes(RELEASE_FINALIZER)) {
      object = await this.client.replace(handler.plural, namespace, { ...object, metadata: { ...object.metadata, finalizers: [...finalizers, RELEASE_FINALIZER] } });
    }
    let status: Status;
    let events: ObjectEvent[];
    try {
      ({ status, events } = await handler.reconcile(input()));
      this.counts.count(handler.kind, 'ok');
    } catch (e) {
      if (isTransient(e)) throw e;
      const refusal = e as IpamError;
      const said = messageFor(refusal, KUBERNETES_HINTS);
      const waiting = isWaitingFor(refusal);
      status = handler.failed(input(), said, waiting);
      const ready = conditionsOf(status).find((c) => c.type === 'Ready')!;
      const before = conditionsOf(object.status).find((c) => c.type === 'Ready');
      const changed = before?.reason !== ready.reason || before?.message !== ready.message;
      events = changed ? [{ type: waiting ? 'Normal' : 'Warning', reason: waiting ? ready.reason : eventReason(refusal.code), message: `${handler.kind} ${object.metadata.name}: ${said}` }] : [];
      this.counts.count(handler.kind, 'refused');
    }
    await this.writeStatus(handler, namespace, object, status);
    for (const event of events) await this.events.record(object, event);
  }

  /** Gives back what a deleted object held, then lets it go (finalizer off); a pool in use waits. */
  private async release(handler: KindHandler, namespace: string, input: ReconcileInput): Promise<void> {
    const { object } = input;
    let events: ObjectEvent[] = [];
    try {
      events = await handler.release(input);
    } catch (e) {
      if (isTransient(e)) throw e;
      const refusal = e as IpamError;
      const said = messageFor(refusal, KUBERNETES_HINTS);
      if (refusal.code === 'POOL_IN_USE') {
        await this.blocked(handler, namespace, object, said, input.now);
        return;
      }
      if (!NOTHING_HELD.includes(refusal.code)) events = [{ type: 'Warning', reason: eventReason(refusal.code), message: `${handler.kind} ${object.metadata.name}: ${said}` }];
    }
    const finalizers = (object.metadata.finalizers ?? []).filter((f) => f !== RELEASE_FINALIZER);
    await this.client.replace(handler.plural, namespace, { ...object, metadata: { ...object.metadata, finalizers } });
    for (const event of events) await this.events.record(object, event);
  }

  private async blocked(handler: KindHandler, namespace: string, object: KubeObject, message: string, now: Date): Promise<void> {
    const previous = conditionsOf(object.status).find((c) => c.type === 'DeletionBlocked');
    const blocked = condition(object.status, 'DeletionBlocked', 'True', 'PoolInUse', message, now);
    const status: Status = { ...(object.status ?? {}), conditions: [...conditionsOf(object.status).filter((c) => c.type !== 'DeletionBlocked'), blocked] };
    if (handler.kind === 'SubnetPool') status.phase = 'Deleting';
    await this.writeStatus(handler, namespace, object, status);
    if (previous?.message !== message) await this.events.record(object, { type: 'Warning', reason: 'DeletionBlocked', message: `${handler.kind} ${object.metadata.name}: ${message}` });
  }

  private async writeStatus(handler: KindHandler, namespace: string, object: KubeObject, status: Status): Promise<void> {
    const shown = JSON.parse(JSON.stringify(status)) as Status;
    if (!isDeepStrictEqual(shown, object.status)) await this.client.replaceStatus(handler.plural, namespace, { ...object, status: shown });
  }
}
