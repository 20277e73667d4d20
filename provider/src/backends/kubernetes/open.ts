import { Ipam, IpamOptions } from '../../engine/ipam';
import { textLogger, warnTo } from '../../log';
import { Store } from '../../engine/store';
import { DEFAULT_SPACE } from '../../model/constants';
import { checkSpace } from '../../model/validate';
import { KubeClient } from '../../store/kubernetes/client';
import { KubeconfigChoice, loadKubeconfig } from '../../store/kubernetes/kubeconfig';
import { KubernetesStore } from '../../store/kubernetes/store';
import { KubectlDeletions } from './kubectl-deletions';
import { KubernetesIpam } from './kubernetes-ipam';
import { DerivedObjects } from './projection/sync';

/**
 * The Kubernetes backend, wired whole in one place: the store (one IpamLedger per namespace),
 * its projection (the SubnetPool, SubnetPoolClaim, SliceIpam and ClientIp objects kubectl
 * shows, drawn with the engine's own figures), the engine, and the reconciler that turns a
 * `kubectl delete` of a pool into an IpamApi deletion. Nothing else builds these parts, so no
 * caller gets a store without its objects or an API without kubectl deletions.
 */
export interface KubernetesBackendOptions extends IpamOptions {
  /** The namespace used when a request names no address space. Default "default". */
  namespace?: string;
  /** Problems that do not fail an operation (an object not written). Default: stderr. */
  warn?: (message: string) => void;
  /** The size limit of a ledger object; tests lower it. */
  maxLedgerBytes?: number;
}

export interface KubernetesBackend {
  ipam: KubernetesIpam;
  /** The same store the API commits to: for the Store contract, and for engines of other actors. */
  store: Store & KubernetesStore;
}

export function kubernetesBackend(client: KubeClient, options: KubernetesBackendOptions = {}): KubernetesBackend {
  const namespace = checkSpace(options.namespace ?? DEFAULT_SPACE, 'namespace');
  const warn = options.warn ?? warnTo(textLogger('ipam'));
  const objects = new DerivedObjects(client, options.now);
  // The projection hands the pools deleted with kubectl to `deletions`, made below: it needs the
  // engine, which needs the store. Nothing is synced before the first read or commit.
  const store = new KubernetesStore(client, {
    namespace,
    warn,
    maxLedgerBytes: options.maxLedgerBytes,
    projection: { sync: async (space, spec, change) => deletions.asked(space, await objects.sync(space, spec, change)) },
  });
  const { namespace: _namespace, warn: _warn, maxLedgerBytes: _max, ...engineOptions } = options;
  const engine = Ipam.create(store, engineOptions);
  const deletions = new KubectlDeletions(engine.as('kubectl'), objects, (work) => store.track(work), warn);
  return { ipam: new KubernetesIpam(engine, () => store.idle(), namespace), store };
}

/** Where the cluster is: a kubeconfig (file or contents; default KUBECONFIG or ~/.kube/config), a context, the default namespace. */
export interface KubernetesConnection extends KubeconfigChoice {
  namespace?: string;
}

export function openKubernetes(connection: KubernetesConnection, options: Omit<KubernetesBackendOptions, 'namespace'> = {}): KubernetesBackend {
  const client = new KubeClient(loadKubeconfig({ kubeconfig: connection.kubeconfig, context: connection.context }));
  return kubernetesBackend(client, { ...options, namespace: connection.namespace });
}
