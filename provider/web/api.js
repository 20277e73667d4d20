// The JSON API of the same service. The token is kept for this tab only (sessionStorage), sent
// in the Authorization header, and never put in a URL, so it is in no history, log or referrer.

const KEY = 'ipam.token';

export class AuthError extends Error {}

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export function token() {
  return sessionStorage.getItem(KEY);
}

export function setToken(value) {
  sessionStorage.setItem(KEY, value);
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}

/** GET a path of the API; throws AuthError on 401, ApiError with the service's message otherwise. */
export async function get(path, query = {}) {
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== ''));
  const url = params.size === 0 ? path : `${path}?${params}`;
  const headers = { accept: 'application/json' };
  const saved = token();
  if (saved !== null) headers.authorization = `Bearer ${saved}`;
  let response;
  try {
    response = await fetch(url, { headers, cache: 'no-store' });
  } catch {
    throw new ApiError('the IPAM service does not answer; is `ipam serve` still running?', 'NETWORK');
  }
  const body = await response.json().catch(() => null);
  if (response.status === 401) throw new AuthError(body?.message ?? 'the service wants a token');
  if (!response.ok) throw new ApiError(body?.message ?? `the service answered HTTP ${response.status}`, body?.code);
  return body;
}

export const poolPath = (space, pool) => `/v1/spaces/${encodeURIComponent(space)}/pools/${encodeURIComponent(pool)}`;
