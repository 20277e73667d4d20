import { openKubernetes } from '../../provider/src/backends/kubernetes/open';
import { CommitRequest, Store } from '../../provider/src/engine/store';
import { storeContract } from '../store/contract';
import { BUSY_COUNT, BusyNamespaces, withoutFill } from './busy';
import { TestCluster, startCluster } from './cluster';

/**
 * The Store contract against the Kubernetes store over the unmodified client library, on the
 * API stand-in (or a real cluster, see cluster.ts), as the Role of crds/rbac-role.yaml allows:
 * compare-and-swap commits on the ledger object, and 4 processes x 8 clients allocating at once.
 * Then again in namespaces that already hold 50,000 allocations (busy.ts; all but the one the
 * contract reads as never written): its assertions look past the two fill pools, while every
 * commit carries the whole ledger and the engines hold all of it; after each test the fill must
 * be exactly as filled, and after the last its consistency check clean.
 */
const CONTRACT_SPACES = ['default', 'nothing-here', 's', 'one', 'two', 'o', 'a', 'u'];
const NEVER_WRITTEN = 'nothing-here';

describe('Kubernetes store', function () {
  this.timeout(180_000);
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(() => cluster?.stop());

  const open = async (): Promise<Store> => {
    const { store } = openKubernetes({ kubeconfig: cluster.kubeconfig, namespace: 'default' }, { warn: failOnWarning });
    // A real cluster has only the namespaces someone made; the contract writes to many.
    return cluster.standIn === undefined ? withNamespaces(store, cluster) : store;
  };

  storeContract('kubernetes (API stand-in or IPAM_TEST_KUBECONFIG)', () => ({
    open: async () => {
      await cluster.reset(CONTRACT_SPACES);
      return open();
    },
    reopen: open,
    processConfig: () => ({ type: 'kubernetes', kubeconfig: cluster.kubeconfig, namespace: 'default' }),
    enforcesUniqueBlocks: false,
  }));

  describe(`beside ${BUSY_COUNT.toLocaleString('en')} allocations`, () => {
    let busy: BusyNamespaces;
    before(() => {
      busy = new BusyNamespaces(cluster);
    });
    afterEach(() => busy.checkIntact());
    after(() => busy.checkConsistent());

    storeContract(`kubernetes, beside ${BUSY_COUNT.toLocaleString('en')} allocations`, () => ({
      open: async () => {
        await busy.reset(CONTRACT_SPACES.filter((space) => space !== NEVER_WRITTEN));
        return open();
      },
      reopen: open,
      processConfig: () => ({ type: 'kubernetes', kubeconfig: cluster.kubeconfig, namespace: 'default' }),
      enforcesUniqueBlocks: false,
      visible: withoutFill,
      // Every lost compare-and-swap costs a worker a read and a decode of the whole ledger; on a
      // busy 2-core machine the 6 workers took 93 s. Still under the block's timeout.
      workerTimeoutMs: 170_000,
    }));
  });
});

function failOnWarning(message: string): void {
  throw new Error(`unexpected warning from the Kubernetes store: ${message}`);
}

function withNamespaces(store: Store, cluster: TestCluster): Store {
  const commit = store.commit.bind(store);
  store.commit = async (request: CommitRequest) => {
    await cluster.ensureNamespace(request.space);
    return commit(request);
  };
  return store;
}
