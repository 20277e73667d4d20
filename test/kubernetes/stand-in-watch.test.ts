import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GROUP, VERSION } from '../../provider/src/store/kubernetes/resources';
import { KubeApiServer } from '../support/kube-apiserver';
import { at, object } from './kube-api';

/**
 * What an in-cluster controller needs of the API stand-in, driven by the unmodified client
 * library's Watch, CoreV1Api and CoordinationV1Api: watch streams as kube-apiserver serves them
 * (resume from a resourceVersion, bookmarks, 410 Expired when it is too old), Events, Leases.
 */
interface Seen {
  type: string;
  name?: string;
  resourceVersion?: string;
  code?: number;
  reason?: string;
  message?: string;
}

describe('Kubernetes API stand-in: watches, Events and Leases', function () {
  this.timeout(30_000);
  let server: KubeApiServer;
  let config: KubeConfig;
  let api: CustomObjectsApi;
  const pools = at('team-a', 'subnetpools');
  const path = `/apis/${GROUP}/${VERSION}/namespaces/team-a/subnetpools`;

  before(async () => {
    server = await KubeApiServer.start();
    config = new KubeConfig();
    config.loadFromFile(server.writeKubeconfig(mkdtempSync(join(tmpdir(), 'ipam-stand-in-'))));
    config.setCurrentContext('admin');
    api = config.makeApiClient(CustomObjectsApi);
  });
  beforeEach(() => server.reset());
  after(() => server.stop());

  /** Watches until `until` holds for what was seen (bounded: fails after 5 s). */
  async function watch(query: Record<string, string | number | boolean | undefined>, until: (seen: Seen[]) => boolean, during: () => Promise<void> = async () => undefined): Promise<Seen[]> {
    const seen: Seen[] = [];
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const request = await new Watch(config).watch(
      path,
      query,
      (type, o: { metadata?: { name?: string; resourceVersion?: string }; code?: number; reason?: string; message?: string }) => {
        seen.push({ type, name: o.metadata?.name, resourceVersion: o.metadata?.resourceVersion, code: o.code, reason: o.reason, message: o.message });
        if (until(seen)) finish();
      },
      () => finish(),
    );
    await during();
    const timer = setTimeout(finish, 5_000);
    await done;
    clearTimeout(timer);
    request.abort();
    return seen;
  }

  it('a watch without a resourceVersion starts with the objects that exist, then streams changes with their resourceVersions', async () => {
    await api.createNamespacedCustomObject({ ...pools, body: object('SubnetPool', 'a', { cidr: '10.0.0.0/16' }) });
    const seen = await watch({}, (s) => s.some((e) => e.type === 'DELETED'), async () => {
      const b = await api.createNamespacedCustomObject({ ...pools, body: object('SubnetPool', 'b', { cidr: '10.1.0.0/16' }) });
      await api.replaceNamespacedCustomObject({ ...pools, name: 'b', body: { ...b, spec: { cidr: '10.1.0.0/16', description: 'x' } } });
      await api.deleteNamespacedCustomObject({ ...pools, name: 'b' });
    });
    expect(seen.map((e) => [e.type, e.name])).to.deep.equal([
      ['ADDED', 'a'],
      ['ADDED', 'b'],
      ['MODIFIED', 'b'],
      ['DELETED', 'b'],
    ]);
    const versions = seen.slice(1).map((e) => Number(e.resourceVersion));
    expect(versions).to.deep.equal([...versions].sort((x, y) => x - y));
    expect(new Set(versions).size, 'a deletion has a resourceVersion of its own').to.equal(3);
  });

  it('resumes from a resourceVersion: only the changes after it', async () => {
    const a = await api.createNamespacedCustomObject({ ...pools, body: object('SubnetPool', 'a', { cidr: '10.0.0.0/16' }) });
    await api.createNamespacedCustomObject({ ...pools, body: object('SubnetPool', 'b', { cidr: '10.1.0.0/16' }) });
    const seen = await watch({ resourceVersion: a.metadata.resourceVersion }, (s) => s.length >= 1);
    expect(seen.map((e) => [e.type, e.name])).to.deep.equal([['ADDED', 'b']]);
  });

  it('a resourceVersion older than the window of recent changes gets one ERROR event: Status 410 Expired', async () => {
    server.watches.windowSize = 2;
    try {
      const a = await api.createNamespacedCustomObject({ ...pools, body: object('SubnetPool', 'a', { cidr: '10.0.0.0/16' }) });
      for (const [name, cidr] of [['b', '10.1.0.0/16'], ['c', '10.2.0.0/16'], ['d', '10.3.0.0/16']]) {
        await api.createNamespacedCustomObject({ ...pools, body: object('SubnetPool', name, { cidr }) });
      }
      const seen = await watch({ resourceVersion: a.metadata.resourceVersion }, (s) => s.length >= 1);
      const rv = Number(a.metadata.resourceVersion);
      expect(seen).to.deep.equal([{ type: 'ERROR', name: undefined, resourceVersion: undefined, code: 410, reason: 'Expired', message: `too old resource version: ${rv} (${rv + 2})` }]);
    } finally {
      server.watches.windowSize = 1000;
    }
  });

  it('sends bookmarks with the current resourceVersion when asked (allowWatchBookmarks), none otherwise', async () => {
    server.watches.bookmarkIntervalMs = 100;
    try {
      const a = await api.createNamespacedCustomObject({ ...pools, body: object('SubnetPool', 'a', { cidr: '10.0.0.0/16' }) });
      const marked = await watch({ resourceVersion: a.metadata.resourceVersion, allowWatchBookmarks: true }, (s) => s.length >= 2);
      expect(marked.slice(0, 2)).to.deep.equal([
        { type: 'BOOKMARK', name: undefined, resourceVersion: a.metadata.resourceVersion, code: undefined, reason: undefined, message: undefined },
        { type: 'BOOKMARK', name: undefined, resourceVersion: a.metadata.resourceVersion, code: undefined, reason: undefined, message: undefined },
      ]);
      const started = Date.now();
      const quiet = await watch({ resourceVersion: a.metadata.resourceVersion, timeoutSeconds: 1 }, () => false);
      expect(quiet).to.deep.equal([]);
      expect(Date.now() - started, 'timeoutSeconds ends the stream').to.be.below(3_000);
    } finally {
      server.watches.bookmarkIntervalMs = 60_000;
    }
  });

  it('stores core/v1 Events and lists them by involvedObject, as kubectl describe asks', async () => {
    const core = config.makeApiClient(CoreV1Api);
    const event = (name: string, involved: string) => ({
      metadata: { name },
      involvedObject: { apiVersion: `${GROUP}/${VERSION}`, kind: 'SubnetPool', name: involved, namespace: 'team-a' },
      reason: 'Allocated',
      message: `${involved}: 10.0.0.0/24`,
      type: 'Normal',
      source: { component: 'ipam-controller' },
    });
    await core.createNamespacedEvent({ namespace: 'team-a', body: event('a.1', 'a') });
    await core.createNamespacedEvent({ namespace: 'team-a', body: event('b.1', 'b') });
    const listed = await core.listNamespacedEvent({ namespace: 'team-a', fieldSelector: 'involvedObject.name=a,involvedObject.kind=SubnetPool,involvedObject.namespace=team-a' });
    expect(listed.items.map((e) => [e.metadata.name, e.reason, e.message])).to.deep.equal([['a.1', 'Allocated', 'a: 10.0.0.0/24']]);
  });

  it('stores coordination.k8s.io/v1 Leases with compare-and-swap on resourceVersion', async () => {
    const leases = config.makeApiClient(CoordinationV1Api);
    const created = await leases.createNamespacedLease({ namespace: 'ipam-system', body: { metadata: { name: 'ipam-controller' }, spec: { holderIdentity: 'one', leaseDurationSeconds: 15 } } });
    const taken = await leases.replaceNamespacedLease({ namespace: 'ipam-system', name: 'ipam-controller', body: { ...created, spec: { ...created.spec, holderIdentity: 'two' } } });
    expect(taken.spec?.holderIdentity).to.equal('two');
    const stale = await leases.replaceNamespacedLease({ namespace: 'ipam-system', name: 'ipam-controller', body: created }).then(
      () => 'accepted',
      (e: { code?: number }) => e.code,
    );
    expect(stale).to.equal(409);
  });
});
