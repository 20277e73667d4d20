import { KubeConfig } from '@kubernetes/client-node';
import { IpamError } from '../../errors';

export interface KubeconfigChoice {
  /** A kubeconfig file; default: KUBECONFIG, then ~/.kube/config (or in-cluster). */
  kubeconfig?: string;
  context?: string;
}

/**
 * Loads the kubeconfig and selects the context, with errors that name the file and context.
 * Each is CONFIG_INVALID: retrying cannot make a missing file or context appear.
 */
export function loadKubeconfig(choice: KubeconfigChoice): KubeConfig {
  const config = new KubeConfig();
  const where = choice.kubeconfig ?? 'the default kubeconfig (KUBECONFIG or ~/.kube/config)';
  try {
    if (choice.kubeconfig === undefined) config.loadFromDefault();
    else config.loadFromFile(choice.kubeconfig);
  } catch (e) {
    throw new IpamError('CONFIG_INVALID', `kubeconfig: cannot read ${where}: ${(e as Error).message}`, 'kubeconfig');
  }
  if (choice.context !== undefined) {
    if (!config.getContexts().some((c) => c.name === choice.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new IpamError('CONFIG_INVALID', `context: ${where} has no context "${choice.context}"; it has ${known.length === 0 ? 'none' : known.join(', ')}`, 'context');
    }
    config.setCurrentContext(choice.context);
  }
  if (config.getCurrentCluster() === null) {
    throw new IpamError('CONFIG_INVALID', `kubeconfig: ${where} names no cluster for context "${config.getCurrentContext()}"`, 'kubeconfig');
  }
  return config;
}
