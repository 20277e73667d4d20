import { openIpam } from '../backends/open';
import { BackendSettings, settingsFromEnv, settingsProblems } from '../backends/settings';
import { checkSpace } from '../model/validate';
import { isIpamError } from '../errors';
import { IpamApi } from '../model/api';
import { pulumiError } from './resource-handler';
import { pulumiMessage } from './hints';
import { DEFAULT_SPACE } from '../model/constants';

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

/** The provider's config keys, without the `ipam:` namespace (a provider plugin's inputs). */
export const CONFIG_KEYS = [...Object.keys(KEYS).map((k) => k.replace('ipam:', '')), 'backend'];

/**
 * What is wrong with a provider config (a plugin's CheckConfig): unknown keys, values that are
 * not text, and the choices the backends refuse, each naming the key, so `pulumi preview` says
 * it before anything opens a backend.
 */
export function configFailures(config: Record<string, unknown>): { property: string; reason: string }[] {
  const failures: { property: string; reason: string }[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (key === 'version') continue; // the engine's own: which plugin version serves the provider
    if (!CONFIG_KEYS.includes(key)) {
      failures.push({ property: key, reason: `INVALID_INPUT: ${key}: not a setting of the ipam provider; settings are ${CONFIG_KEYS.join(', ')}` });
    } else if (typeof value !== 'string') {
      failures.push({ property: key, reason: `INVALID_INPUT: ${key}: give text, got ${JSON.stringify(value)}` });
    }
  }
  if (failures.length > 0) return failures;
  if (config.backend !== undefined && config.backend !== 'kubernetes') {
    failures.push({ property: 'backend', reason: `INVALID_INPUT: backend: ${JSON.stringify(config.backend)} is not a backend; "kubernetes" is the one to name (the others follow from server or state)` });
  }
  const settings = settingsOf({ get: (key) => config[key.replace('ipam:', '')] as string | undefined });
  for (const e of settingsProblems(settings)) failures.push({ property: e.field ?? '', reason: pulumiMessage(e) });
  return failures;
}

let configured: BackendSettings = {};
let opened: { key: string; api: Promise<IpamApi> } | undefined;

/**
 * Pulumi CLIs before 3.139 give a dynamic provider no namespaced config in Configure, only the
 * PULUMI_CONFIG variable of its process (a JSON object of the stack's config, secrets decrypted).
 * When Configure carries no ipam:* key, that is where the stack's ipam:* settings are.
 */
function withConfigFromEnv(config: ConfigSource, env: NodeJS.ProcessEnv = process.env): ConfigSource {
  const carries = [...Object.keys(KEYS), 'ipam:backend'].some((key) => config.get(key) !== undefined);
  if (carries || env.PULUMI_CONFIG === undefined) return config;
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.PULUMI_CONFIG);
  } catch {
    return config;
  }
  if (parsed === null || typeof parsed !== 'object') return config;
  const fromEnv = parsed as Record<string, unknown>;
  return { get: (key) => (typeof fromEnv[key] === 'string' ? (fromEnv[key] as string) : config.get(key)) };
}

/** The backend settings a config names (`ipam:*` keys). */
function settingsOf(config: ConfigSource): BackendSettings {
  const settings: BackendSettings = {};
  for (const [key, field] of Object.entries(KEYS)) {
    const value = config.get(key);
    if (value !== undefined && value !== '') (settings as Record<string, unknown>)[field] = value;
  }
  if (config.get('ipam:backend') === 'kubernetes') settings.kube = true;
  return settings;
}

export function configure(given: ConfigSource): void {
  configured = settingsOf(withConfigFromEnv(given));
}

function backendSettings(): BackendSettings {
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
    // An error opening the backend reaches `pulumi up` with its code, like every other.
    const api = openIpam(settings, { actor: 'pulumi' }).catch((e: unknown) => {
      throw isIpamError(e) ? pulumiError(e) : e;
    });
    opened = { key, api };
    opened.api.catch(() => (opened = undefined));
  }
  return opened.api;
}
