import { resolve } from 'node:path';
import { BackendSettings, OpenOptions } from '../../config/backend';
import { checkSpace } from '../../model/validate';
import { IpamApi } from '../../model/api';
import { DEFAULT_SPACE } from '../../model/records';
import { openKubernetesStore } from './index';
import { KubernetesIpam } from './kubernetes-ipam';
import { isKubeconfigContents } from './kubeconfig';

/**
 * The `ipam` command's and the Pulumi provider's way onto a cluster: settings.kubeconfig (a
 * file, relative to the working directory, or a kubeconfig's contents) or the default
 * kubeconfig (settings.kube), an
 * optional context, and the namespace used when a request names no address space.
 */
export async function openKubernetesIpam(settings: BackendSettings, options: OpenOptions): Promise<IpamApi> {
  const namespace = checkSpace(settings.namespace ?? DEFAULT_SPACE, 'namespace');
  const given = settings.kubeconfig;
  const kubeconfig = given === undefined || isKubeconfigContents(given) ? given : resolve(options.cwd ?? process.cwd(), given);
  const store = await openKubernetesStore({ kubeconfig, context: settings.kubeContext, namespace });
  return KubernetesIpam.create(store, namespace, { actor: options.actor });
}
