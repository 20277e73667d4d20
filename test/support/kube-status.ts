/**
 * metav1.Status bodies as kube-apiserver sends them with a failed request: the same reason,
 * code, message wording and details, because clients (client-node's ApiException, kubectl's
 * "Error from server (NotFound): ...") show and branch on them.
 */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] };
  code: number;
}

/** Who a Status is about: `resource` is the plural ("subnetpools"), as the server reports it. */
export interface Subject {
  group: string;
  resource: string;
  name?: string;
}

export class ApiError extends Error {
  constructor(readonly body: StatusBody) {
    super(body.message);
  }
}

const qualified = (s: Subject): string => (s.group === '' ? s.resource : `${s.resource}.${s.group}`);

function status(code: number, reason: string, message: string, details?: StatusBody['details']): ApiError {
  const body: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details !== undefined) body.details = details;
  return new ApiError(body);
}

const detailsOf = (s: Subject): StatusBody['details'] => ({
  ...(s.name === undefined ? {} : { name: s.name }),
  group: s.group,
  kind: s.resource,
});

export const notFound = (s: Subject): ApiError => status(404, 'NotFound', `${qualified(s)} "${s.name}" not found`, detailsOf(s));

export const alreadyExists = (s: Subject): ApiError =>
  status(409, 'AlreadyExists', `${qualified(s)} "${s.name}" already exists`, detailsOf(s));

export const conflict = (s: Subject, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError =>
  status(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(s)} "${s.name}": ${why}`, detailsOf(s));

/** 422: `kind` is the Kind ("SubnetPool"), as the server names it in Invalid messages. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const lines = causes.map((c) => (c.field === undefined ? c.message : `${c.field}: ${c.message}`));
  const summary = lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`;
  return status(422, 'Invalid', `${kind}.${group} "${name}" is invalid: ${summary}`, { name, group, kind, causes });
}

export const forbidden = (user: string, verb: string, s: Subject, namespace?: string): ApiError =>
  status(
    403,
    'Forbidden',
    `${qualified(s)}${s.name === undefined ? '' : ` "${s.name}"`} is forbidden: User "${user}" cannot ${verb} resource "${s.resource}" in API group "${s.group}"${
      namespace === undefined ? ' at the cluster scope' : ` in the namespace "${namespace}"`
    }`,
    detailsOf(s),
  );

export const unauthorized = (): ApiError => status(401, 'Unauthorized', 'Unauthorized');

export const badRequest = (message: string): ApiError => status(400, 'BadRequest', message);

export const notFoundPath = (): ApiError => status(404, 'NotFound', 'the server could not find the requested resource', {});

export const methodNotAllowed = (message: string): ApiError => status(405, 'MethodNotAllowed', message, {});

export const unsupportedMediaType = (type: string): ApiError =>
  status(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${type})`,
  );

export const tooLarge = (): ApiError => status(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');

/** etcd refuses a value over its request limit (--max-request-bytes, 1.5 MiB by default). */
export const etcdTooLarge = (): ApiError => status(500, 'InternalError', 'Internal error occurred: etcdserver: request is too large', { causes: [{ reason: '', message: 'etcdserver: request is too large' }] });
