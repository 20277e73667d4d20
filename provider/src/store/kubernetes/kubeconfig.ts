import { KubeConfig } from '@kubernetes/client-node';
import { errors } from '../../errors';
import { isKubeconfigContents } from './kubeconfig-text';

export interface KubeconfigChoice {
  /**
   * A kubeconfig file, or a kubeconfig's contents (YAML or JSON, as a CI secret holds it);
   * default: KUBECONFIG, then ~/.kube/config (or in-cluster).
   */
  kubeconfig?: string;
  context?: string;
}


/**
 * Loads the kubeconfig and selects the context, with errors that name the file and context.
 * Contents given inline hold credentials: an error about them says where in the text the
 * problem is, never the text itself. Each is CONFIG_INVALID: retrying cannot make a missing
 * file or context appear.
 */
export function loadKubeconfig(choice: KubeconfigChoice): KubeConfig {
  const config = new KubeConfig();
  const inline = choice.kubeconfig !== undefined && isKubeconfigContents(choice.kubeconfig);
  const where = inline ? 'the kubeconfig given as contents' : (choice.kubeconfig ?? 'the default kubeconfig (KUBECONFIG or ~/.kube/config)');
  try {
    if (choice.kubeconfig === undefined) config.loadFromDefault();
    else if (inline) config.loadFromString(choice.kubeconfig);
    else config.loadFromFile(choice.kubeconfig);
  } catch (e) {
    const line = /\((\d+):\d+\)/.exec((e as Error).message)?.[1];
    const why = inline ? `it is not a kubeconfig${line === undefined ? '' : ` (line ${line})`}` : (e as Error).message;
    throw errors.CONFIG_INVALID({ case: 'kubeconfig', where, why });
  }
  if (choice.context !== undefined) {
    if (!config.getContexts().some((c) => c.name === choice.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw errors.CONFIG_INVALID({ case: 'kube-context', where, context: choice.context, known });
    }
    config.setCurrentContext(choice.context);
  }
  if (config.getCurrentCluster() === null) {
    throw errors.CONFIG_INVALID({ case: 'kube-cluster', where, context: config.getCurrentContext() });
  }
  return config;
}
