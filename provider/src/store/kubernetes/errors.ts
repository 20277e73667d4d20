import { IpamError, isIpamError } from '../../errors';
import { KubeApiError } from './client';

/**
 * What a person sees when the cluster does not do what the store asked: the API server's own
 * words, plus what to do about it (install the CRDs, grant the Role, check the kubeconfig).
 */
export function backendError(e: unknown, server: string): unknown {
  if (isIpamError(e)) return e;
  if (e instanceof KubeApiError) {
    if (e.code === 404 && e.detailsName === undefined) {
      return new IpamError(
        'STORE_UNAVAILABLE',
        `the Kubernetes API server at ${server} does not serve the pulumi-ipam custom resources; install them with \`kubectl apply -f crds/\` (see docs/kubernetes.md)`,
      );
    }
    if (e.code === 401) {
      return new IpamError('STORE_UNAVAILABLE', `the Kubernetes API server at ${server} did not accept the kubeconfig's credentials: ${e.message}`);
    }
    if (e.code === 403) {
      return new IpamError('STORE_UNAVAILABLE', `the Kubernetes API server at ${server} refused: ${e.message}; grant the Role in crds/rbac-role.yaml (see docs/kubernetes.md)`);
    }
    return new IpamError('STORE_UNAVAILABLE', `the Kubernetes API server at ${server} answered ${e.code} ${e.reason}: ${e.message}`);
  }
  return new IpamError('STORE_UNAVAILABLE', `cannot reach the Kubernetes API server at ${server}: ${(e as Error).message ?? String(e)}`);
}
