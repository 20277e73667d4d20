/**
 * Raw HTTP for the server tests: exactly the bytes a user's tool would send (fetch over
 * loopback), so the tests see the status, headers and body a user sees, and each answer is
 * checked against the service's OpenAPI document.
 */
import { Store } from '../../provider/src/engine/store';
import { WRITER } from '../support/http-service';
import { checkDocumented } from './documented-responses';

export interface Sent {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export interface RequestOptions {
  /** A JSON value (serialised) or a raw string body. */
  body?: unknown;
  raw?: string;
  /** A token, or null to send no Authorization header; default WRITER's. */
  token?: string | null;
  headers?: Record<string, string>;
}

export async function send(base: string, method: string, path: string, options: RequestOptions = {}): Promise<Sent> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? WRITER.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, body, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  // Every answer must be one the OpenAPI document describes (see documented-responses.ts).
  checkDocumented(method, path, response.status, response.headers.get('content-type'), text, parsed);
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** Every space's version: a refused request must leave all of them as they were. */
export async function storeVersions(store: Store): Promise<Record<string, number>> {
  const versions: Record<string, number> = {};
  for (const space of await store.listSpaces()) versions[space] = (await store.read(space)).version;
  return versions;
}
