import { BackendSettings, openIpam, settingsFromEnv } from '../config/backend';
import { checkSpace } from '../engine/validate';
import { IpamApi } from '../model/api';
import { DEFAULT_SPACE } from '../model/records';

/**
 * The backend the provider talks to, from stack config `ipam:*` (given to the provider by
 * Pulumi's Configure call; secrets arrive decrypted) over IPAM_* environment variables. The
 * token is read here and kept in memory: it never enters the serialized provider or the
 * resource state.
 */
export interface ConfigSource {
  get(key: string): string | undefined;
}

const KEYS: Record<string, keyof BackendSettings> = {
  'ipam:state': 'state',
  'ipam:sqliteSync': 'sqliteSync',
  'ipam:server': 'server',
  'ipam:token': 'token',
  'ipam:kubeconfig': 'kubeconfig',
  'ipam:kubeContext': 'kubeContext',
  'ipam:namespace': 'namespace',
};

let configured: BackendSettings = {};
let opened: { key: string; api: Promise<IpamApi> } | undefined;

export function configure(config: ConfigSource): void {
  const settings: BackendSettings = {};
  for (const [key, field] of Object.entries(KEYS)) {
    const value = config.get(key);
    if (value !== undefined && value !== '') (settings as Record<string, unknown>)[field] = value;
  }
  const backend = config.get('ipam:backend');
  if (backend === 'kubernetes') settings.kube = true;
  configured = settings;
}

export function backendSettings(): BackendSettings {
  return { ...settingsFromEnv(), ...configured };
}

/**
 * The address space (the namespace, on Kubernetes) of a resource that names none: stack config
 * ipam:namespace or IPAM_NAMESPACE, else "default". Check fills it in, so the state and a
 * preview show where each resource lives; Pulumi configures the provider before any check.
 */
export function defaultSpace(): string {
  const namespace = backendSettings().namespace;
  return namespace === undefined ? DEFAULT_SPACE : checkSpace(namespace, 'ipam:namespace');
}

/** One IpamApi per provider process and settings; opened on first use, so preview never opens it. */
export function ipamApi(): Promise<IpamApi> {
  const settings = backendSettings();
  const key = JSON.stringify(settings);
  if (opened === undefined || opened.key !== key) {
    opened = { key, api: openIpam(settings, { actor: 'pulumi' }) };
    opened.api.catch(() => (opened = undefined));
  }
  return opened.api;
}
