import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { IpamError } from '../../provider/src/errors';
import { WRITER, startServeProcess } from '../support/http-service';
import { OtlpReceiver, ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver';
import { ProviderHost } from '../support/pulumi/provider-host';
import { programWorkspace } from '../support/pulumi/workspace';

/**
 * Tracing as an operator sees it: `ipam serve` and the provider plugin are real processes with
 * the standard OTEL_* variables pointing at a stand-in collector on 127.0.0.1, which records the
 * spans they export over OTLP/HTTP. The spans must nest as the work does (request -> engine
 * batch -> store commit) and carry the route, space, pool and result.
 */
const SERVER_SPAN = 2;
const CLIENT_SPAN = 3;
const ALLOCATE_ROUTE = '/v1/spaces/{space}/pools/{pool}/allocations/{owner}';

function children(spans: ReceivedSpan[], parent: ReceivedSpan, name: string): ReceivedSpan[] {
  return spans.filter((s) => s.parentSpanId === parent.spanId && s.traceId === parent.traceId && s.name === name);
}

describe('tracing: OpenTelemetry spans exported over OTLP when OTEL_* is set', function () {
  this.timeout(120_000);
  let receiver: OtlpReceiver;
  const dir = mkdtempSync(join(tmpdir(), 'ipam-otel-'));

  beforeEach(async () => (receiver = await startOtlpReceiver()));
  afterEach(() => receiver.close());

  it('ipam serve: each request span is the parent of its engine batch, whose commit is its child, with route, space, pool and result', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'ipam-under-test' };
    const service = await startServeProcess(join(dir, 'serve.db'), { env });
    const client = new HttpIpam({ server: service.url, token: WRITER.token, retries: 0 });
    try {
      await client.createPool({ space: 'lab', name: 'edge', cidr: '10.20.0.0/22', defaultPrefixLength: 24 });
      // Four at once: they may share batches; each one's batch is its child or links to it.
      await Promise.all(['a', 'b', 'c', 'd'].map((owner) => client.allocate({ space: 'lab', pool: 'edge', owner })));
      const refused = await client.allocate({ space: 'lab', pool: 'edge', owner: 'e' }).catch((e: IpamError) => e);
      expect(refused).to.have.property('code', 'POOL_EXHAUSTED');
    } finally {
      await client.close();
      expect(await service.stop()).to.equal(0); // the shutdown sends the spans still buffered
    }
    const spans = receiver.spans;
    expect(new Set(spans.map((s) => s.service))).to.deep.equal(new Set(['ipam-under-test']));

    const requests = spans.filter((s) => s.kind === SERVER_SPAN && s.attributes['http.route'] === ALLOCATE_ROUTE);
    expect(requests.map((s) => [s.name, s.parentSpanId, s.attributes['ipam.owner']]).sort()).to.deep.equal(
      ['a', 'b', 'c', 'd', 'e'].map((owner) => [`PUT ${ALLOCATE_ROUTE}`, '', owner]),
    );
    for (const request of requests) {
      expect(request.attributes).to.include({ 'http.request.method': 'PUT', 'ipam.space': 'lab', 'ipam.pool': 'edge', 'ipam.actor': WRITER.name });
    }
    const ok = requests.filter((s) => s.attributes['ipam.owner'] !== 'e');
    for (const request of ok) expect(request.attributes).to.include({ 'http.response.status_code': 200 }).and.not.have.property('ipam.error.code');
    const exhausted = requests.find((s) => s.attributes['ipam.owner'] === 'e')!;
    expect(exhausted.attributes).to.include({ 'http.response.status_code': 409, 'ipam.error.code': 'POOL_EXHAUSTED', 'error.type': 'POOL_EXHAUSTED' });

    const batches = spans.filter((s) => s.name === 'ipam.engine.batch');
    for (const request of ok) {
      const own = children(spans, request, 'ipam.engine.batch');
      const linked = batches.filter((b) => b.links.some((l) => l.spanId === request.spanId && l.traceId === request.traceId));
      expect(own.length + linked.length, `batches of ${request.attributes['ipam.owner']}`).to.equal(1);
    }
    // Every batch that wrote has exactly one commit, its child, that committed on the SQLite file.
    const allocationBatches = ok.flatMap((r) => children(spans, r, 'ipam.engine.batch'));
    expect(allocationBatches.reduce((n, b) => n + (b.attributes['ipam.batch.operations'] as number), 0)).to.equal(4);
    for (const batch of allocationBatches) {
      expect(batch.attributes).to.include({ 'ipam.space': 'lab' });
      const commits = children(spans, batch, 'ipam.store.commit');
      expect(commits.map((c) => [c.kind, c.attributes['ipam.store.kind'], c.attributes['ipam.commit.outcome'], c.attributes['ipam.space']])).to.deep.equal([
        [CLIENT_SPAN, 'sqlite', 'committed', 'lab'],
      ]);
      expect(commits[0].attributes['ipam.commit.writes']).to.equal(batch.attributes['ipam.batch.operations']);
    }
    // The refused allocation was decided in a batch of its own that wrote nothing: no commit.
    const [refusedBatch] = children(spans, exhausted, 'ipam.engine.batch');
    expect(refusedBatch.attributes).to.include({ 'ipam.batch.operations': 1 });
    expect(children(spans, refusedBatch, 'ipam.store.commit')).to.deep.equal([]);
  });

  it('ipam serve sends protobuf (the specification default protocol) when OTEL_EXPORTER_OTLP_PROTOCOL is not set', async () => {
    const service = await startServeProcess(join(dir, 'proto.db'), { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    const client = new HttpIpam({ server: service.url, token: WRITER.token });
    await client.createPool({ space: 'lab', name: 'proto', cidr: '10.30.0.0/24' });
    await client.close();
    expect(await service.stop()).to.equal(0);
    expect(receiver.contentTypes).to.deep.equal(['application/x-protobuf']);
    // Protobuf strings are their UTF-8 bytes: the span and route names are in the export.
    const body = receiver.rawBodies[0].toString('latin1');
    for (const text of ['ipam.engine.batch', 'ipam.store.commit', 'POST /v1/spaces/{space}/pools', 'pulumi-ipam']) expect(body).to.contain(text);
  });

  it('the provider plugin: a create is a span whose HTTP call is the parent of the service request span (traceparent), down to the commit', async () => {
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    const service = await startServeProcess(join(dir, 'provider.db'), { env: { ...otel, OTEL_SERVICE_NAME: 'ipam-serve' } });
    const workspace = programWorkspace().dir;
    const plugin = join(workspace, 'node_modules', 'pulumi-ipam', 'dist', 'provider', 'src', 'plugin', 'main.js');
    const host = await ProviderHost.startPlugin(plugin, workspace, { ...otel, OTEL_SERVICE_NAME: 'ipam-provider' });
    const urn = 'urn:pulumi:dev::net::ipam:index:SubnetPool::edge';
    try {
      await host.configure({ server: service.url, token: WRITER.token });
      const checked = await host.check(urn, {}, { name: 'edge', space: 'lab', cidr: '10.40.0.0/16' });
      expect(checked.failures).to.deep.equal([]);
      const created = await host.create(urn, checked.inputs);
      expect(created.id).to.equal('lab/edge');
    } finally {
      await host.stop();
      await service.stop();
    }
    // Each provider call flushes its spans before it returns: nothing waits for the plugin's shutdown.
    const spans = receiver.spans;
    const provider = spans.filter((s) => s.service === 'ipam-provider');
    expect(provider.map((s) => [s.name, s.attributes['pulumi.resource.kind'], s.parentSpanId])).to.deep.equal([
      ['ipam.provider.check', 'SubnetPool', ''],
      ['ipam.provider.create', 'SubnetPool', ''],
    ]);
    expect(provider[0].attributes).to.include({ 'pulumi.urn': urn, 'pulumi.method': 'check' });
    const create = provider[1];
    const requests = spans.filter((s) => s.service === 'ipam-serve' && s.parentSpanId === create.spanId && s.traceId === create.traceId);
    expect(requests.map((s) => s.name)).to.include('POST /v1/spaces/{space}/pools');
    const post = requests.find((s) => s.name === 'POST /v1/spaces/{space}/pools')!;
    const [batch] = children(spans, post, 'ipam.engine.batch');
    expect(children(spans, batch, 'ipam.store.commit').map((c) => c.attributes['ipam.commit.outcome'])).to.deep.equal(['committed']);
  });
});
