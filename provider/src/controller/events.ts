import { CoreV1Api } from '@kubernetes/client-node';
import { requestOptions } from '../store/kubernetes/client';
import { KubeObject } from '../store/kubernetes/resources';

/**
 * Events for `kubectl describe` (core/v1, the API every kubectl version lists): one per step a
 * person wants to see on an applied object (Allocated, Released, Reclaimed, Exhausted, Overlap,
 * Invalid, DeletionBlocked, ...), with the object, the CIDR and the reason in the message.
 * Recording an Event never fails a reconcile: an Event that cannot be written is logged.
 */
export interface ObjectEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export const COMPONENT = 'pulumi-ipam-controller';

let sequence = 0n;

/** `<object>.<hex nanoseconds>`, as client-go names Events: unique, and in time order when listed by name. */
function eventName(object: string, time: Date): string {
  sequence = (sequence + 1n) % 1_000_000n;
  return `${object}.${(BigInt(time.getTime()) * 1_000_000n + sequence).toString(16)}`;
}

export class EventRecorder {
  constructor(
    private readonly core: CoreV1Api,
    private readonly instance: string,
    private readonly log: (message: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(object: KubeObject, event: ObjectEvent): Promise<void> {
    const namespace = object.metadata.namespace!;
    const time = this.now();
    try {
      await this.core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { name: eventName(object.metadata.name, time), namespace },
          involvedObject: { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, namespace, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion },
          type: event.type,
          reason: event.reason,
          message: event.message,
          source: { component: COMPONENT },
          reportingComponent: COMPONENT,
          reportingInstance: this.instance,
          firstTimestamp: time,
          lastTimestamp: time,
          count: 1,
        },
      }, requestOptions());
    } catch (e) {
      this.log(`event ${event.reason} on ${object.kind} ${namespace}/${object.metadata.name} not recorded: ${(e as Error).message}`);
    }
  }
}
