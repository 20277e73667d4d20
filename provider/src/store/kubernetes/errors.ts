import { errors, isIpamError } from '../../errors';
import { KubeApiError } from './client';

/**
 * What a person sees when the cluster does not do what the store asked: the API server's own
 * words, plus what to do about it (install the CRDs, grant the Role, check the kubeconfig).
 */
export function backendError(e: unknown, server: string): unknown {
  if (isIpamError(e)) return e;
  if (e instanceof KubeApiError) {
    if (e.code === 404 && e.detailsName === undefined) {
      return errors.STORE_UNAVAILABLE({ case: 'kube-no-crds', server });
    }
    if (e.code === 401) {
      return errors.STORE_UNAVAILABLE({ case: 'kube-credentials', server, cause: e.message });
    }
    if (e.code === 403) {
      return errors.STORE_UNAVAILABLE({ case: 'kube-forbidden', server, cause: e.message });
    }
    return errors.STORE_UNAVAILABLE({ case: 'kube-answer', server, status: e.code, reason: e.reason, cause: e.message });
  }
  return errors.STORE_UNAVAILABLE({ case: 'kube-unreachable', server, cause: (e as Error).message ?? String(e) });
}
