import { ApiException, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { API_VERSION, GROUP, VERSION } from '../../provider/src/store/kubernetes/resources';

/** The unmodified client library on a kubeconfig context, and helpers to read what the server said. */
export function customObjects(kubeconfig: string, context?: string): CustomObjectsApi {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  if (context !== undefined) config.setCurrentContext(context);
  return config.makeApiClient(CustomObjectsApi);
}

export const at = (namespace: string, plural: string) => ({ group: GROUP, version: VERSION, namespace, plural });

export const object = (kind: string, name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: API_VERSION,
  kind,
  metadata: { name, ...(extra.metadata as object) },
  spec,
  ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'metadata')),
});

export interface StatusSeen {
  code: number;
  reason: string;
  message: string;
}

/** Awaits a call that the API server must refuse; returns its Status (code, reason, message). */
export async function refusal(call: Promise<unknown>): Promise<StatusSeen & { body: Record<string, unknown> }> {
  try {
    await call;
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(ApiException);
    const exception = e as ApiException<string | undefined>;
    // client-node keeps no body for a 401.
    if (exception.body === undefined) return { code: exception.code, reason: '', message: '', body: {} };
    const body = JSON.parse(exception.body) as Record<string, unknown>;
    expect(body).to.include({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: exception.code });
    return { code: exception.code, reason: body.reason as string, message: body.message as string, body };
  }
  throw new Error('expected the API server to refuse the request');
}
