import { Store } from '../../engine/store';
import { KubeClient } from './client';
import { loadKubeconfig } from './kubeconfig';
import { KubernetesStore, KubernetesStoreOptions } from './store';

export { KubernetesStore } from './store';

/** The Kubernetes store of a StoreConfig: a kubeconfig (default one when absent), a context, a namespace. */
export async function openKubernetesStore(
  config: { kubeconfig?: string; context?: string; namespace?: string },
  options: Omit<KubernetesStoreOptions, 'namespace'> = {},
): Promise<Store & KubernetesStore> {
  const client = new KubeClient(loadKubeconfig({ kubeconfig: config.kubeconfig, context: config.context }));
  return new KubernetesStore(client, { ...options, namespace: config.namespace });
}
