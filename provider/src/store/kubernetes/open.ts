import { BackendSettings, OpenOptions } from '../../config/backend';
import { IpamError } from '../../errors';
import { IpamApi } from '../../model/api';

// Placeholder until the Kubernetes backend lands (issue: Kubernetes custom resources); replaced by the real store.
export async function openKubernetesIpam(settings: BackendSettings, options: OpenOptions): Promise<IpamApi> {
  void settings;
  void options;
  throw new IpamError('STORE_UNAVAILABLE', 'kubeconfig: the Kubernetes backend is not available in this build yet', 'kubeconfig');
}
