import { checkSpace } from '../model/validate';
import { IpamError, errors } from '../errors';
import { SqliteSync } from '../store/sqlite';

/**
 * Which state backend to use, as people and programs give it: `ipam` flags, IPAM_* environment
 * variables, or Pulumi stack config `ipam:*`. The embedded SQLite file is the default; naming a
 * server (HTTP IPAM service) or a Kubernetes cluster switches to that.
 */
export interface BackendSettings {
  /** SQLite state file (embedded backend). Default ./.ipam/state.db. */
  state?: string;
  sqliteSync?: SqliteSync;
  /** URL of an HTTP IPAM service (`ipam serve`). */
  server?: string;
  /** Bearer token for the HTTP IPAM service. Never logged, never stored in Pulumi state in plain text. */
  token?: string;
  /** Use Kubernetes custom resources, with the default kubeconfig (KUBECONFIG or ~/.kube/config). */
  kube?: boolean;
  /** Use Kubernetes custom resources, with this kubeconfig file. */
  kubeconfig?: string;
  kubeContext?: string;
  /** Kubernetes backend: the namespace used when a request names no address space. */
  namespace?: string;
}

export const DEFAULT_STATE_FILE = '.ipam/state.db';

export type BackendKind = 'sqlite' | 'http' | 'kubernetes';

/** Reads IPAM_* variables. Explicit settings (flags, stack config) override them field by field. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): BackendSettings {
  const settings: BackendSettings = {};
  if (env.IPAM_STATE) settings.state = env.IPAM_STATE;
  if (env.IPAM_SQLITE_SYNC) settings.sqliteSync = env.IPAM_SQLITE_SYNC as SqliteSync;
  if (env.IPAM_SERVER) settings.server = env.IPAM_SERVER;
  if (env.IPAM_TOKEN) settings.token = env.IPAM_TOKEN;
  if (env.IPAM_KUBECONFIG) settings.kubeconfig = env.IPAM_KUBECONFIG;
  if (env.IPAM_KUBE_CONTEXT) settings.kubeContext = env.IPAM_KUBE_CONTEXT;
  if (env.IPAM_NAMESPACE) settings.namespace = env.IPAM_NAMESPACE;
  if (env.IPAM_BACKEND === 'kubernetes') settings.kube = true;
  return settings;
}

/**
 * What is wrong with the settings before anything is opened, each naming its setting: two
 * backends at once, a durability SQLite does not have, a namespace Kubernetes refuses.
 */
export function settingsProblems(settings: BackendSettings): IpamError[] {
  const problems: IpamError[] = [];
  if (settings.server !== undefined && (settings.kube === true || settings.kubeconfig !== undefined)) {
    problems.push(errors.INVALID_INPUT({ case: 'two-backends' }));
  }
  if (settings.sqliteSync !== undefined && settings.sqliteSync !== 'full' && settings.sqliteSync !== 'normal') {
    problems.push(errors.INVALID_INPUT({ case: 'sqlite-sync', field: 'sqliteSync', value: settings.sqliteSync }));
  }
  if (settings.namespace !== undefined) {
    try {
      checkSpace(settings.namespace, 'namespace');
    } catch (e) {
      if (!(e instanceof IpamError)) throw e;
      problems.push(e);
    }
  }
  return problems;
}

export function backendKind(settings: BackendSettings): BackendKind {
  const [problem] = settingsProblems(settings);
  if (problem !== undefined) throw problem;
  if (settings.server !== undefined) return 'http';
  return settings.kube === true || settings.kubeconfig !== undefined ? 'kubernetes' : 'sqlite';
}
