import { resolve } from 'node:path';
import { BackendSettings, OpenOptions } from '../../config/backend';
import { checkSpace } from '../../engine/validate';
import { IpamApi } from '../../model/api';
import { DEFAULT_SPACE } from '../../model/records';
import { openKubernetesStore } from './index';
import { KubernetesIpam } from './kubernetes-ipam';

/**
 * The `ipam` command's and the Pulumi provider's way onto a cluster: settings.kubeconfig (a
 * file, relative to the working directory) or the default kubeconfig (settings.kube), an
 * optional context, and the namespace used when a request names no address space.
 */
export async function openKubernetesIpam(settings: BackendSettings, options: OpenOptions): Promise<IpamApi> {
  const namespace = checkSpace(settings.namespace ?? DEFAULT_SPACE, 'namespace');
  const kubeconfig = settings.kubeconfig === undefined ? undefined : resolve(options.cwd ?? process.cwd(), settings.kubeconfig);
  const store = await openKubernetesStore({ kubeconfig, context: settings.kubeContext, namespace });
  return KubernetesIpam.create(store, namespace, { actor: options.actor });
}
