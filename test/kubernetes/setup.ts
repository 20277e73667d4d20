import { CustomObjectsApi } from '@kubernetes/client-node';
import { openIpam } from '../../provider/src/backends/open';
import { IpamApi } from '../../provider/src/model/api';
import { TestCluster, startCluster } from './cluster';
import { customObjects } from './kube-api';

/**
 * One cluster (the stand-in, or IPAM_TEST_KUBECONFIG's) for a describe block, a clean
 * namespace per test, and the IpamApi as Pulumi and `ipam` get it on this backend.
 */
export interface KubeTest {
  cluster: TestCluster;
  /** The client library as a person with full rights (reads what the store wrote). */
  api: CustomObjectsApi;
  /** Opens the Kubernetes backend for a namespace, as stack config ipam:kubeconfig/ipam:namespace would. */
  open(namespace: string): Promise<IpamApi>;
}

export function useCluster(namespaces: string[]): KubeTest {
  const test = {} as KubeTest;
  const opened: IpamApi[] = [];
  before(async function () {
    this.timeout(60_000);
    test.cluster = await startCluster();
    test.api = customObjects(test.cluster.kubeconfig, test.cluster.standIn === undefined ? undefined : 'admin');
    for (const namespace of namespaces) await test.cluster.ensureNamespace(namespace);
  });
  beforeEach(async () => {
    await test.cluster.reset(namespaces);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((ipam) => ipam.close()));
  });
  after(async () => {
    await test.cluster?.stop();
  });
  test.open = async (namespace) => {
    const ipam = await openIpam({ kubeconfig: test.cluster.kubeconfig, namespace }, { actor: 'test' });
    opened.push(ipam);
    return ipam;
  };
  return test;
}
