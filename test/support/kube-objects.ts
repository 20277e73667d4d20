import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { ResourceDefinition } from './kube-crds';
import { prune, validate, validateTransitions } from './kube-schema';
import { LabelTest } from './kube-selectors';
import { StatusCause, Subject, alreadyExists, badRequest, conflict, etcdTooLarge, invalid, notFound } from './kube-status';

/**
 * The stand-in's storage and the semantics of each write, as kube-apiserver applies them to
 * custom resources: resourceVersion (one counter for all objects) and optimistic concurrency,
 * generation (bumped on spec changes only when the status subresource is on), the status
 * subresource (main writes keep the stored status; status writes keep everything else),
 * finalizers and deletionTimestamp, pruning and schema validation, and etcd's size limit.
 */
export type KubeObject = Record<string, unknown> & { metadata: Metadata };

interface Metadata {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: unknown[];
}

/** etcd's default --max-request-bytes: a larger object is refused ("request is too large"). */
const ETCD_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const USER_METADATA = ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const;

export type Subresource = 'status' | undefined;

/** A change as a watch reports it: the object after the change (before it, for DELETED, with the deletion's resourceVersion). */
export interface ObjectChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  def: ResourceDefinition;
  object: KubeObject;
}

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>();
  private revision = 0;
  /** Told of every change, in resourceVersion order (the watch streams of kube-watch.ts). */
  onChange?: (change: ObjectChange) => void;

  constructor(private readonly now: () => Date = () => new Date()) {}

  get resourceVersion(): string {
    return String(this.revision);
  }

  clear(): void {
    this.objects.clear();
  }

  get(def: ResourceDefinition, namespace: string | undefined, name: string): KubeObject {
    const found = this.objects.get(key(def, namespace, name));
    if (found === undefined) throw notFound(subject(def, name));
    return structuredClone(found);
  }

  list(def: ResourceDefinition, namespace: string | undefined, labels: LabelTest, fields: (o: KubeObject) => boolean): KubeObject[] {
    const prefix = namespace === undefined ? `${def.plural}|` : `${def.plural}|${namespace}|`;
    return [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && labels(o.metadata.labels ?? {}) && fields(o))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, o]) => structuredClone(o));
  }

  create(def: ResourceDefinition, namespace: string | undefined, body: unknown): KubeObject {
    const object = asObject(body);
    const metadata = (object.metadata ?? {}) as Partial<Metadata>;
    if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const name = metadata.name ?? '';
    if (name === '') throw invalid(def.kind, def.group, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    checkName(def, name);
    if (this.objects.has(key(def, namespace, name))) throw alreadyExists(subject(def, name));
    // Create cannot set status when the status subresource is on.
    if (def.hasStatus) delete object.status;
    const created: KubeObject = {
      ...object,
      apiVersion: `${def.group}/${def.version}`,
      kind: def.kind,
      metadata: {
        ...pick(metadata),
        name,
        ...(namespace === undefined ? {} : { namespace }),
        uid: randomUUID(),
        generation: 1,
        creationTimestamp: this.timestamp(),
      },
    };
    admit(def, created);
    return this.store(def, created);
  }

  /** PUT of the object (subresource undefined) or of its status; also the end of a PATCH. */
  update(def: ResourceDefinition, namespace: string | undefined, name: string, body: unknown, subresource: Subresource, requireVersion = true): KubeObject {
    const existing = this.get(def, namespace, name);
    const object = asObject(body);
    const metadata = (object.metadata ?? {}) as Partial<Metadata>;
    if (metadata.name !== undefined && metadata.name !== name) {
      throw badRequest(`the name of the object (${metadata.name}) does not match the name on the URL (${name})`);
    }
    if (metadata.resourceVersion === undefined || metadata.resourceVersion === '') {
      if (requireVersion) {
        throw invalid(def.kind, def.group, name, [{ reason: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' }]);
      }
    } else if (metadata.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(subject(def, name));
    }
    const next = subresource === 'status' ? withStatus(existing, object) : withoutStatus(def, existing, object, metadata);
    admit(def, next, existing);
    if (isDeepStrictEqual(next, existing)) return existing;
    if (subresource === undefined && specChanged(def, existing, next)) next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    if (next.metadata.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0) {
      this.remove(def, next);
      return next;
    }
    return this.store(def, next);
  }

  delete(def: ResourceDefinition, namespace: string | undefined, name: string, preconditions: Preconditions = {}): KubeObject {
    const existing = this.get(def, namespace, name);
    const mismatch = (what: string, wanted: string | undefined, actual: string | undefined) =>
      wanted !== undefined && wanted !== actual ? `Precondition failed: ${what} in precondition: ${wanted}, ${what} in object meta: ${actual}` : undefined;
    const failed = mismatch('UID', preconditions.uid, existing.metadata.uid) ?? mismatch('ResourceVersion', preconditions.resourceVersion, existing.metadata.resourceVersion);
    if (failed !== undefined) throw conflict(subject(def, name), failed);
    if ((existing.metadata.finalizers ?? []).length === 0) {
      this.remove(def, existing);
      return existing;
    }
    if (existing.metadata.deletionTimestamp !== undefined) return existing;
    // Finalizers keep the object: it is marked, and its generation bumped, until they are removed.
    existing.metadata.deletionTimestamp = this.timestamp();
    existing.metadata.deletionGracePeriodSeconds = 0;
    existing.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    return this.store(def, existing);
  }

  private store(def: ResourceDefinition, object: KubeObject): KubeObject {
    object.metadata.resourceVersion = String(this.revision + 1);
    if (Buffer.byteLength(JSON.stringify(object)) > ETCD_MAX_REQUEST_BYTES) throw etcdTooLarge();
    this.revision += 1;
    const k = key(def, object.metadata.namespace, object.metadata.name);
    const type = this.objects.has(k) ? 'MODIFIED' : 'ADDED';
    this.objects.set(k, structuredClone(object));
    this.onChange?.({ type, def, object: structuredClone(object) });
    return object;
  }

  /** A deletion is a change too: it takes a resourceVersion of its own, as etcd's delete does. */
  private remove(def: ResourceDefinition, object: KubeObject): void {
    this.revision += 1;
    this.objects.delete(key(def, object.metadata.namespace, object.metadata.name));
    this.onChange?.({ type: 'DELETED', def, object: { ...structuredClone(object), metadata: { ...structuredClone(object.metadata), resourceVersion: String(this.revision) } } });
  }

  /** RFC 3339 to the second, as the server writes timestamps. */
  private timestamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

const key = (def: ResourceDefinition, namespace: string | undefined, name: string): string => `${def.plural}|${namespace ?? ''}|${name}`;

const subject = (def: ResourceDefinition, name: string): Subject => ({ group: def.group, resource: def.plural, name });

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body of the request is not a JSON object');
  return structuredClone(body) as Record<string, unknown>;
}

/** The metadata fields a client may set. */
function pick(metadata: Partial<Metadata>): Partial<Metadata> {
  const kept: Partial<Metadata> = {};
  for (const field of USER_METADATA) if (metadata[field] !== undefined) (kept as Record<string, unknown>)[field] = structuredClone(metadata[field]);
  return kept;
}

function checkName(def: ResourceDefinition, name: string): void {
  if (name.length <= 253 && DNS1123_SUBDOMAIN.test(name)) return;
  throw invalid(def.kind, def.group, name, [
    {
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    },
  ]);
}

/** A status write: only the status stanza of the request counts. */
function withStatus(existing: KubeObject, object: Record<string, unknown>): KubeObject {
  const next = structuredClone(existing);
  if (object.status === undefined) delete next.status;
  else next.status = object.status;
  return next;
}

/** A main-resource write: the stored status stays; server-owned metadata stays; finalizers may only shrink while deleting. */
function withoutStatus(def: ResourceDefinition, existing: KubeObject, object: Record<string, unknown>, metadata: Partial<Metadata>): KubeObject {
  const serverOwned: Partial<Metadata> = { ...existing.metadata };
  for (const field of USER_METADATA) delete serverOwned[field];
  // The name is the stored one (update() has refused a body naming another object).
  const next: KubeObject = { ...object, apiVersion: existing.apiVersion, kind: existing.kind, metadata: { ...serverOwned, ...pick(metadata), name: existing.metadata.name } };
  if (def.hasStatus) {
    if (existing.status === undefined) delete next.status;
    else next.status = existing.status;
  }
  if (existing.metadata.deletionTimestamp !== undefined) {
    const added = (next.metadata.finalizers ?? []).filter((f) => !(existing.metadata.finalizers ?? []).includes(f));
    if (added.length > 0) {
      throw invalid(def.kind, def.group, existing.metadata.name, [
        {
          reason: 'FieldValueForbidden',
          field: 'metadata.finalizers',
          message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        },
      ]);
    }
  }
  return next;
}

/** Prunes and validates the object against its schema (and, on update, the transition rules). */
function admit(def: ResourceDefinition, object: KubeObject, old?: KubeObject): void {
  const { metadata, ...rest } = object;
  prune(def.schema, rest);
  for (const k of Object.keys(object)) if (k !== 'metadata' && !(k in rest)) delete object[k];
  const causes: StatusCause[] = validate(def.schema, { ...rest, metadata }, '');
  if (old !== undefined) causes.push(...validateTransitions(def.schema, object, old, ''));
  if (causes.length > 0) throw invalid(def.kind, def.group, metadata.name, causes);
}

/** Everything but metadata (and status, when it has its own subresource) is the spec side. */
function specChanged(def: ResourceDefinition, a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): Record<string, unknown> => {
    const rest: Record<string, unknown> = { ...o };
    delete rest.metadata;
    if (def.hasStatus) delete rest.status;
    return rest;
  };
  return !isDeepStrictEqual(strip(a), strip(b));
}

