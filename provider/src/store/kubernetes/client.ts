import { ApiException, ConfigurationOptions, CustomObjectsApi, KubeConfig, setHeaderMiddleware } from '@kubernetes/client-node';
import { GROUP, KubeObject, VERSION } from './resources';

/**
 * The few calls the store makes, over the unmodified client library's CustomObjectsApi, with
 * the API server's refusals turned into KubeApiError (HTTP code, Status reason and message) so
 * the store can branch on Conflict, AlreadyExists and NotFound.
 */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    /** Status details.name: absent on a 404 for a resource type the server does not know. */
    readonly detailsName?: string,
    /** Status details.kind: the resource (plural) the refusal is about, "namespaces" for a missing namespace. */
    readonly detailsKind?: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export const isConflict = (e: unknown): boolean => e instanceof KubeApiError && e.code === 409 && e.reason === 'Conflict';
export const isAlreadyExists = (e: unknown): boolean => e instanceof KubeApiError && e.code === 409 && e.reason === 'AlreadyExists';
const isNotFound = (e: unknown): boolean => e instanceof KubeApiError && e.code === 404;

/** A request the API server has not answered in this time is abandoned. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Options for every call of the client library: our User-Agent, and the request timeout. */
export function requestOptions(): ConfigurationOptions {
  const userAgent = setHeaderMiddleware('User-Agent', 'pulumi-ipam');
  return {
    middleware: [{ pre: (context) => (context.setSignal(AbortSignal.timeout(REQUEST_TIMEOUT_MS)), userAgent.pre(context)), post: userAgent.post }],
    middlewareMergeStrategy: 'append',
  };
}

export class KubeClient {
  private readonly api: CustomObjectsApi;
  private readonly options: ConfigurationOptions;

  constructor(readonly config: KubeConfig) {
    this.api = config.makeApiClient(CustomObjectsApi);
    this.options = requestOptions();
  }

  /** The API server's URL, for messages. */
  get server(): string {
    return this.config.getCurrentCluster()?.server ?? '(no cluster in the kubeconfig)';
  }

  /** The object, or undefined when it does not exist. */
  async get(plural: string, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.call(() => this.api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, name }, this.options));
    } catch (e) {
      if (isNotFound(e) && (e as KubeApiError).detailsName === name) return undefined;
      throw e;
    }
  }

  async list(plural: string, namespace: string, labelSelector?: string): Promise<KubeObject[]> {
    const list = await this.call<{ items: KubeObject[] }>(() =>
      this.api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, labelSelector }, this.options),
    );
    return list.items;
  }

  async listAllNamespaces(plural: string): Promise<KubeObject[]> {
    const list = await this.call<{ items: KubeObject[] }>(() => this.api.listClusterCustomObject({ group: GROUP, version: VERSION, plural }, this.options));
    return list.items;
  }

  create(plural: string, namespace: string, body: KubeObject): Promise<KubeObject> {
    return this.call(() => this.api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, body }, this.options));
  }

  /** PUT: a compare-and-swap on body.metadata.resourceVersion. */
  replace(plural: string, namespace: string, body: KubeObject): Promise<KubeObject> {
    return this.call(() =>
      this.api.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, name: body.metadata.name, body }, this.options),
    );
  }

  replaceStatus(plural: string, namespace: string, body: KubeObject): Promise<KubeObject> {
    return this.call(() =>
      this.api.replaceNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, namespace, plural, name: body.metadata.name, body }, this.options),
    );
  }

  /** Deletes the object if it is still the version given; gone already counts as done. */
  async delete(plural: string, namespace: string, object: KubeObject): Promise<void> {
    const preconditions = { uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion };
    try {
      await this.call(() =>
        this.api.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, name: object.metadata.name, body: { preconditions } }, this.options),
      );
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async call<T = KubeObject>(request: () => Promise<unknown>): Promise<T> {
    try {
      return (await request()) as T;
    } catch (e) {
      throw toKubeApiError(e);
    }
  }
}

function toKubeApiError(e: unknown): unknown {
  if (!(e instanceof ApiException)) return e;
  const exception = e as ApiException<unknown>;
  let status: { reason?: string; message?: string; details?: { name?: string; kind?: string } } = {};
  try {
    status = typeof exception.body === 'string' ? JSON.parse(exception.body) : ((exception.body ?? {}) as typeof status);
  } catch {
    // Not a Status body (a proxy's HTML page): the code says enough.
  }
  return new KubeApiError(exception.code, status.reason ?? '', status.message ?? `HTTP ${exception.code}`, status.details?.name, status.details?.kind);
}
