import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, isAlreadyExists } from '../../provider/src/store/kubernetes/client';
import { PLURAL, ResourceKind } from '../../provider/src/store/kubernetes/resources';
import { KubeApiServer } from '../support/kube-apiserver';

/**
 * The cluster the Kubernetes tests run against: a real one when IPAM_TEST_KUBECONFIG names its
 * kubeconfig (test/e2e/kubernetes.sh sets it from KUBECONFIG, after applying crds/), else the
 * API stand-in of test/support. A dedicated variable, so that a KUBECONFIG a developer happens
 * to have set never points these tests at a real cluster.
 *
 * On a real cluster the tests delete every pulumi-ipam object in the namespaces they use:
 * point them at a throwaway cluster.
 */
export interface TestCluster {
  name: string;
  kubeconfig: string;
  /** The stand-in, when the tests run on it. */
  standIn?: KubeApiServer;
  /** kubectl arguments that act as a person with full rights. */
  kubectlAsAdmin: string[];
  /** A fresh, empty state in these namespaces (all of them, on the stand-in). */
  reset(namespaces: string[]): Promise<void>;
  /** Makes sure a namespace exists (the stand-in has them all). */
  ensureNamespace(namespace: string): Promise<void>;
  stop(): Promise<void>;
}

const KINDS: ResourceKind[] = ['ClientIp', 'SubnetPoolClaim', 'SliceIpam', 'SubnetPool', 'IpamLedger'];

export async function startCluster(): Promise<TestCluster> {
  const real = process.env.IPAM_TEST_KUBECONFIG;
  if (real !== undefined && real !== '') return realCluster(real);
  const standIn = await KubeApiServer.start();
  const kubeconfig = standIn.writeKubeconfig(mkdtempSync(join(tmpdir(), 'ipam-kube-')));
  return {
    name: 'API stand-in',
    kubeconfig,
    standIn,
    kubectlAsAdmin: ['--kubeconfig', kubeconfig, '--context', 'admin'],
    reset: async () => standIn.reset(),
    ensureNamespace: async () => undefined,
    stop: () => standIn.stop(),
  };
}

function realCluster(kubeconfig: string): TestCluster {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const client = new KubeClient(config);
  const core = config.makeApiClient(CoreV1Api);
  const known = new Set<string>();
  return {
    name: `real cluster (${config.getCurrentContext()})`,
    kubeconfig,
    kubectlAsAdmin: ['--kubeconfig', kubeconfig],
    async reset(namespaces) {
      for (const namespace of namespaces) {
        for (const kind of KINDS) {
          for (const object of await client.list(PLURAL[kind], namespace).catch(() => [])) {
            const freed = object.metadata.finalizers?.length ? await client.replace(PLURAL[kind], namespace, { ...object, metadata: { ...object.metadata, finalizers: [] } }) : object;
            await client.delete(PLURAL[kind], namespace, freed);
          }
        }
      }
    },
    async ensureNamespace(namespace) {
      if (known.has(namespace)) return;
      try {
        await core.createNamespace({ body: { metadata: { name: namespace, labels: { 'pulumi-ipam-e2e': 'true' } } } });
      } catch (e) {
        if (!isAlreadyExists(e) && (e as { code?: number }).code !== 409) throw e;
      }
      known.add(namespace);
    },
    stop: async () => undefined,
  };
}
