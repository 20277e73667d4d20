import { IncomingMessage, ServerResponse } from 'node:http';
import { Server, createServer } from 'node:https';
import { AddressInfo, Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BUILTIN_DEFINITIONS, EVENTS } from './kube-builtin';
import { ResourceDefinition, loadResourceDefinitions, loadRoles } from './kube-crds';
import { KubeObject, ObjectStore, Preconditions } from './kube-objects';
import { Attributes, StandInUser, allowed } from './kube-rbac';
import { assertSupportedRules } from './kube-schema';
import { parseLabelSelector } from './kube-selectors';
import {
  ApiError,
  badRequest,
  forbidden,
  methodNotAllowed,
  notFoundPath,
  tooLarge,
  unauthorized,
  unsupportedMediaType,
} from './kube-status';
import { IncludeObject, toTable, wantsTable } from './kube-table';
import { loopbackCertificate } from './kube-tls';
import { REPO } from './processes';
import { WatchHub } from './kube-watch';

/**
 * A stateful stand-in for kube-apiserver, serving the custom resources of crds/ over HTTPS on
 * 127.0.0.1 (a throwaway self-signed certificate, in the kubeconfig it writes): discovery (/api, /apis, /apis/<group>/<version>, /version) so kubectl can
 * resolve resources; get, list (labelSelector, fieldSelector), create, update (PUT with
 * resourceVersion), JSON merge patch, delete and deletecollection, each also on /status;
 * Tables for `kubectl get`; bearer tokens and RBAC from the Role in crds/. Object semantics are
 * in kube-objects.ts. Watches (resourceVersion, bookmarks, 410 Expired) are in kube-watch.ts.
 * Besides the custom resources it serves what an in-cluster controller uses (kube-builtin.ts):
 * core/v1 Events, which `kubectl describe` lists, and coordination.k8s.io/v1 Leases.
 *
 * Real clients drive it unmodified: @kubernetes/client-node and kubectl.
 */
const ADMIN_TOKEN = 'stand-in-admin-token';
const RUNNER_TOKEN = 'stand-in-runner-token';
export const RUNNER_USER = 'system:serviceaccount:ipam:pulumi-runner';
const CONTROLLER_TOKEN = 'stand-in-controller-token';
const CONTROLLER_USER = 'system:serviceaccount:ipam-system:pulumi-ipam-controller';
/** deploy/: the controller's Deployment, ServiceAccount, ClusterRole and Role. */
const DEPLOY_DIR = join(REPO, 'deploy');
/** What /version reports; Google Cloud SDK's kubectl dispatcher picks its kubectl by it. */
const SERVER_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.4' };
/** kube-apiserver's limit on a request body (JSON). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

interface RequestInfo extends Attributes {
  method: string;
  path: string;
  user: string;
}

export interface StandInHooks {
  /** Runs before a request is served; throw an ApiError to fail it. */
  beforeHandle?: (request: RequestInfo) => void;
  /** Runs after a write was applied, before the reply is sent (e.g. to kill the client there). */
  afterWrite?: (request: RequestInfo) => void;
}

export interface StandInOptions {
  crdDir?: string;
  tokens?: Record<string, StandInUser>;
}

interface Route {
  def: ResourceDefinition;
  namespace?: string;
  name?: string;
  subresource?: 'status';
}

type Query = URLSearchParams;

export class KubeApiServer {
  readonly objects = new ObjectStore();
  readonly watches = new WatchHub(() => Number(this.objects.resourceVersion));
  readonly definitions: ResourceDefinition[];
  readonly hooks: StandInHooks = {};
  private readonly tokens: Record<string, StandInUser>;
  private address = '';
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    options: StandInOptions,
  ) {
    this.definitions = [...loadResourceDefinitions(options.crdDir), ...BUILTIN_DEFINITIONS];
    for (const def of this.definitions) assertSupportedRules(def.schema);
    this.objects.onChange = (change) => this.watches.record(change);
    const role = loadRoles(options.crdDir).find((r) => r.name === 'pulumi-ipam-runner');
    if (role === undefined) throw new Error('stand-in: no Role pulumi-ipam-runner in crds/');
    // The controller's ServiceAccount holds its ClusterRole and its Lease Role (which the
    // stand-in grants everywhere: it has no RoleBindings to place it in ipam-system alone).
    const controllerRules = loadRoles(DEPLOY_DIR).filter((r) => r.name.startsWith('pulumi-ipam-controller')).flatMap((r) => r.rules);
    this.tokens = options.tokens ?? {
      [ADMIN_TOKEN]: { name: 'kubernetes-admin' },
      [RUNNER_TOKEN]: { name: RUNNER_USER, rules: role.rules },
      [CONTROLLER_TOKEN]: { name: CONTROLLER_USER, rules: controllerRules, clusterScope: true },
    };
  }

  static async start(options: StandInOptions = {}): Promise<KubeApiServer> {
    const server = createServer(loopbackCertificate());
    const standIn = new KubeApiServer(server, options);
    server.on('request', (req, res) => void standIn.serve(req, res));
    // Every TCP connection, from its first byte: one still in its TLS handshake is not yet an
    // HTTP connection, so closeAllConnections() would miss it and close() would wait for it.
    server.on('connection', (socket: Socket) => {
      standIn.sockets.add(socket);
      socket.on('close', () => standIn.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    standIn.address = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return standIn;
  }

  /** https://127.0.0.1:PORT */
  get url(): string {
    return this.address;
  }

  /**
   * Stops at once, as a killed API server does: no new connection is accepted, and every open
   * one (watches, keep-alive clients that still retry, handshakes under way) is cut.
   */
  async stop(): Promise<void> {
    this.watches.closeAll();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Forgets every object (a fresh, empty cluster). */
  reset(): void {
    this.objects.clear();
    this.watches.reset();
  }

  /**
   * Writes a kubeconfig with three contexts: "runner" (current; the Role of crds/rbac-role.yaml,
   * what Pulumi runs as), "admin" (unrestricted, a person with kubectl) and "controller" (the
   * ServiceAccount of deploy/controller.yaml, what `ipam controller` runs as in a cluster).
   */
  writeKubeconfig(dir: string, namespace = 'default'): string {
    const file = join(dir, 'kubeconfig');
    const context = (name: string) => ({ name, context: { cluster: 'stand-in', user: name, namespace } });
    writeFileSync(
      file,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'stand-in', cluster: { server: this.url, 'certificate-authority-data': Buffer.from(loopbackCertificate().cert).toString('base64') } }],
        users: [
          { name: 'runner', user: { token: RUNNER_TOKEN } },
          { name: 'admin', user: { token: ADMIN_TOKEN } },
          { name: 'controller', user: { token: CONTROLLER_TOKEN } },
        ],
        contexts: [context('runner'), context('admin'), context('controller')],
        'current-context': 'runner',
      }),
    );
    return file;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const user = this.authenticate(req);
      const body = await readBody(req);
      const answer = this.dispatch(req, url, user, body, res);
      if (answer !== undefined) send(res, answer[0], answer[1]);
    } catch (e) {
      if (e instanceof ApiError) send(res, e.body.code, e.body);
      else send(res, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: String((e as Error).stack ?? e), reason: 'InternalError', code: 500 });
    }
  }

  private authenticate(req: IncomingMessage): StandInUser {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const user = match === null ? undefined : this.tokens[match[1]];
    if (user === undefined) throw unauthorized();
    return user;
  }

  /** The reply, or undefined when the request became a watch stream on res. */
  private dispatch(req: IncomingMessage, url: URL, user: StandInUser, body: unknown, res: ServerResponse): [number, unknown] | undefined {
    const segments = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    if (segments[0] === 'version' && segments.length === 1) return [200, { ...SERVER_VERSION, gitCommit: '', gitTreeState: 'clean', buildDate: '2025-01-01T00:00:00Z', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64' }];
    const events = coreEventsPath(segments);
    if (segments[0] === 'api' && events === undefined) return [200, this.core(segments, req, user)];
    if (segments[0] !== 'apis' && events === undefined) throw notFoundPath();
    if (events === undefined && segments.length <= 3) return [200, this.groupDiscovery(segments)];
    const route = events ?? this.route(segments);
    const verb = verbOf(method, route, url.searchParams);
    const info: RequestInfo = {
      verb,
      group: route.def.group,
      resource: route.subresource === undefined ? route.def.plural : `${route.def.plural}/${route.subresource}`,
      name: route.name,
      namespace: route.namespace,
      method,
      path: url.pathname,
      user: user.name,
    };
    if (!allowed(user, info)) throw forbidden(user.name, verb, { group: route.def.group, resource: route.def.plural, name: route.name }, route.namespace);
    this.hooks.beforeHandle?.(info);
    if (verb === 'watch') {
      this.watch(route, url.searchParams, res);
      return undefined;
    }
    const result = this.perform(verb, route, url.searchParams, req, body);
    if (!['get', 'list'].includes(verb)) this.hooks.afterWrite?.(info);
    return result;
  }

  private perform(verb: string, route: Route, query: Query, req: IncomingMessage, body: unknown): [number, unknown] {
    const { def, namespace, name, subresource } = route;
    const table = wantsTable(req.headers.accept);
    switch (verb) {
      case 'get': {
        const object = this.objects.get(def, namespace, name!);
        return [200, table ? this.table(def, [object], query) : object];
      }
      case 'list': {
        const items = this.list(route, query);
        return [200, table ? this.table(def, items, query) : { apiVersion: `${def.group}/${def.version}`, kind: def.listKind, metadata: { resourceVersion: this.objects.resourceVersion }, items }];
      }
      case 'create':
        return [201, this.objects.create(def, namespace, body)];
      case 'update':
        return [200, this.objects.update(def, namespace, name!, body, subresource)];
      case 'patch':
        return [200, this.patch(route, req.headers['content-type'] ?? '', body)];
      case 'delete':
        return [200, this.objects.delete(def, namespace, name!, preconditionsOf(body))];
      case 'deletecollection': {
        const items = this.list(route, query).map((o) => this.objects.delete(def, o.metadata.namespace, o.metadata.name));
        return [200, { apiVersion: `${def.group}/${def.version}`, kind: def.listKind, metadata: { resourceVersion: this.objects.resourceVersion }, items }];
      }
      default:
        throw methodNotAllowed(`the stand-in API server does not serve ${verb} requests`);
    }
  }

  private list(route: Route, query: Query): KubeObject[] {
    return this.objects.list(route.def, route.namespace, parseLabelSelector(query.get('labelSelector')), fieldSelector(route.def, query.get('fieldSelector')));
  }

  private watch(route: Route, query: Query, res: ServerResponse): void {
    if (route.name !== undefined) throw methodNotAllowed('the stand-in API server watches collections only (use fieldSelector=metadata.name=NAME)');
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = fieldSelector(route.def, query.get('fieldSelector'));
    const timeout = query.get('timeoutSeconds');
    this.watches.serve(
      {
        def: route.def,
        namespace: route.namespace,
        resourceVersion: query.get('resourceVersion') ?? undefined,
        allowBookmarks: query.get('allowWatchBookmarks') === 'true',
        timeoutSeconds: timeout === null ? undefined : Number(timeout),
        matches: (o) => labels(o.metadata.labels ?? {}) && fields(o),
        current: () => this.list(route, query),
      },
      res,
    );
  }

  private patch(route: Route, contentType: string, body: unknown): KubeObject {
    const type = contentType.split(';')[0].trim();
    if (type !== 'application/merge-patch+json') throw unsupportedMediaType(type);
    const { def, namespace, name, subresource } = route;
    const patched = mergePatch(this.objects.get(def, namespace, name!), body) as KubeObject;
    return this.objects.update(def, namespace, name!, patched, subresource, false);
  }

  private table(def: ResourceDefinition, objects: KubeObject[], query: Query): unknown {
    const include = (query.get('includeObject') ?? 'Metadata') as IncludeObject;
    return toTable(def, objects, this.objects.resourceVersion, include);
  }

  private route(segments: string[]): Route {
    const [, group, version, ...rest] = segments;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest.splice(0, 2);
    }
    const [plural, name, subresource, ...extra] = rest;
    const def = this.definitions.find((d) => d.group === group && d.version === version && d.plural === plural);
    if (def === undefined || extra.length > 0 || (subresource !== undefined && (subresource !== 'status' || !def.hasStatus))) throw notFoundPath();
    if (def.namespaced && namespace === undefined && name !== undefined) throw notFoundPath();
    return { def, namespace, name, subresource: subresource as 'status' | undefined };
  }

  /**
   * The core group, as far as kubectl needs it: discovery, and namespaces, which all exist here
   * (kubectl reads the namespace to word a NotFound error).
   */
  private core(segments: string[], req: IncomingMessage, user: StandInUser): unknown {
    if (segments.length === 1) {
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: req.headers.host ?? '' }] };
    }
    if (segments[1] !== 'v1' || req.method !== 'GET') throw notFoundPath();
    if (segments.length === 2) {
      return {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [
          { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get'], shortNames: ['ns'] },
          { name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ev'] },
        ],
      };
    }
    if (segments[2] !== 'namespaces' || segments.length !== 4) throw notFoundPath();
    const name = segments[3];
    if (!allowed(user, { verb: 'get', group: '', resource: 'namespaces', name })) throw forbidden(user.name, 'get', { group: '', resource: 'namespaces', name });
    return { kind: 'Namespace', apiVersion: 'v1', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
  }

  private groupDiscovery(segments: string[]): unknown {
    const [, group, version] = segments;
    const groups = [...new Set(this.definitions.filter((d) => d.group !== '').map((d) => d.group))].map((name) => {
      const versions = [...new Set(this.definitions.filter((d) => d.group === name).map((d) => d.version))].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
      return { name, versions, preferredVersion: versions[0] };
    });
    if (group === undefined) return { kind: 'APIGroupList', apiVersion: 'v1', groups };
    const found = groups.find((g) => g.name === group);
    if (found === undefined) throw notFoundPath();
    if (version === undefined) return { kind: 'APIGroup', apiVersion: 'v1', ...found };
    const defs = this.definitions.filter((d) => d.group === group && d.version === version);
    if (defs.length === 0) throw notFoundPath();
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: `${group}/${version}`,
      resources: defs.flatMap((d) => [
        { name: d.plural, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: d.shortNames, categories: d.categories },
        ...(d.hasStatus ? [{ name: `${d.plural}/status`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: ['get', 'patch', 'update'] }] : []),
      ]),
    };
  }
}

function verbOf(method: string, route: Route, query: Query): string {
  const watch = query.get('watch');
  if (method === 'GET' && (watch === 'true' || watch === '1')) return 'watch';
  const collection = route.name === undefined;
  switch (method) {
    case 'GET':
      return collection ? 'list' : 'get';
    case 'POST':
      if (!collection) throw methodNotAllowed('POST is not allowed on a named object');
      return 'create';
    case 'PUT':
    case 'PATCH':
      if (collection) throw methodNotAllowed(`${method} needs an object name`);
      return method === 'PUT' ? 'update' : 'patch';
    case 'DELETE':
      return collection ? 'deletecollection' : 'delete';
    default:
      throw methodNotAllowed(`${method} is not allowed`);
  }
}

/** The fields every resource can be selected by, and those Events add (what `kubectl describe` asks for). */
const SELECTABLE_FIELDS = ['metadata.name', 'metadata.namespace'];
const EVENT_FIELDS = ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'];

function fieldSelector(def: ResourceDefinition, selector: string | null): (o: KubeObject) => boolean {
  if (selector === null || selector === '') return () => true;
  const known = def === EVENTS ? [...SELECTABLE_FIELDS, ...EVENT_FIELDS] : SELECTABLE_FIELDS;
  const tests = selector.split(',').map((term) => {
    const match = /^([A-Za-z.]+?)\s*(==|=|!=)\s*(.*)$/.exec(term.trim());
    if (match === null || !known.includes(match[1])) throw badRequest(`"${term}" is not a known field selector: only ${known.map((f) => `"${f}"`).join(', ')}`);
    const path = match[1] === 'source' ? ['source', 'component'] : match[1].split('.');
    const read = (o: KubeObject) => String(path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), o) ?? '');
    return match[2] === '!=' ? (o: KubeObject) => read(o) !== match[3] : (o: KubeObject) => read(o) === match[3];
  });
  return (o) => tests.every((t) => t(o));
}

/** /api/v1/events, /api/v1/namespaces/NS/events[/NAME]: the core group's Events, routed like a custom resource. */
function coreEventsPath(segments: string[]): Route | undefined {
  if (segments[0] !== 'api' || segments[1] !== 'v1') return undefined;
  if (segments.length === 3 && segments[2] === 'events') return { def: EVENTS };
  if (segments[2] === 'namespaces' && segments[4] === 'events' && segments.length <= 6) return { def: EVENTS, namespace: segments[3], name: segments[5] };
  return undefined;
}

function preconditionsOf(body: unknown): Preconditions {
  if (typeof body !== 'object' || body === null) return {};
  return ((body as { preconditions?: Preconditions }).preconditions ?? {}) as Preconditions;
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest('the body of the request was not valid JSON');
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
