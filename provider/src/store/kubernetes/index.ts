import { Store } from '../store';

// Placeholder until the Kubernetes store lands (issue: Kubernetes custom resources).
export async function openKubernetesStore(config: { kubeconfig?: string; context?: string; namespace?: string }): Promise<Store> {
  void config;
  throw new Error('the Kubernetes store is not available in this build yet');
}
