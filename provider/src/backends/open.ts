import { resolve } from 'node:path';
import { Ipam } from '../engine/ipam';
import { IpamError, errors } from '../errors';
import { IpamApi } from '../model/api';
import { isKubeconfigContents } from '../store/kubernetes/kubeconfig-text';
import { withDriver } from './driver';
import type { KubernetesConnection } from './kubernetes/open';
import { StoreConfig, openStore } from './open-store';
import { BackendSettings, DEFAULT_STATE_FILE, backendKind } from './settings';

/**
 * The one way to open a backend as an IpamApi. Each backend takes only what it needs (a file,
 * a URL, a cluster), and each comes wired whole: the Kubernetes one with its namespace default,
 * its objects and kubectl deletions, the HTTP one with its token.
 */
export type BackendConfig = StoreConfig | { type: 'http'; server: string; token?: string } | ({ type: 'kubernetes' } & KubernetesConnection);

export interface OpenOptions {
  /** Recorded in the audit trail (the CLI user, "pulumi", a worker's name); the HTTP service records the token's name instead. */
  actor: string;
  /** Tests pass a controllable clock. */
  now?: () => number;
}

export async function openBackend(config: BackendConfig, options: OpenOptions): Promise<IpamApi> {
  switch (config.type) {
    case 'http':
      // Loaded only for this backend: the HTTP client (axios) is most of a command's start-up.
      return (await import('./http')).openHttp(config);
    case 'kubernetes': {
      const { openKubernetes } = await withDriver('kubernetes', () => import('./kubernetes/open'));
      return openKubernetes(config, options).ipam;
    }
    default:
      return Ipam.create(await openStore(config), options);
  }
}

/** The backend that people's settings (ipam flags, IPAM_* variables, stack config ipam:*) name; relative paths from `cwd`. */
function backendConfig(settings: BackendSettings, cwd: string = process.cwd()): BackendConfig {
  switch (backendKind(settings)) {
    case 'http':
      return { type: 'http', server: settings.server ?? '', token: settings.token };
    case 'kubernetes': {
      const given = settings.kubeconfig;
      // A kubeconfig's contents (a CI secret) are kept as they are; a file is found from cwd.
      const kubeconfig = given === undefined || isKubeconfigContents(given) ? given : resolve(cwd, given);
      return { type: 'kubernetes', kubeconfig, context: settings.kubeContext, namespace: settings.namespace };
    }
    case 'sqlite':
      return { type: 'sqlite', file: resolve(cwd, settings.state ?? DEFAULT_STATE_FILE), synchronous: settings.sqliteSync };
  }
}

export async function openIpam(settings: BackendSettings, options: OpenOptions & { cwd?: string }): Promise<IpamApi> {
  const config = backendConfig(settings, options.cwd);
  try {
    return await openBackend(config, options);
  } catch (e) {
    if (e instanceof IpamError || config.type !== 'sqlite') throw e;
    throw errors.STORE_UNAVAILABLE({ case: 'open-state-file', file: config.file, cause: (e as Error).message });
  }
}
