import { expect } from 'chai';
import { runTs } from '../support/processes';
import { startOtlpReceiver } from '../support/otlp-receiver';

/**
 * Without OTEL_* the tracing SDK costs nothing because it is not there: a process that serves,
 * allocates and answers a Pulumi call loads @opentelemetry/api (the no-op facade) and no other
 * OpenTelemetry package. Each case runs in a fresh process, since the test runner's own process
 * may have loaded the SDK for other tests.
 */
const OTEL_UNSET = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('OTEL_')).map((k) => [k, undefined]));

async function loadedWith(env: NodeJS.ProcessEnv): Promise<string[]> {
  const result = await runTs('test/support/tracing-modules-worker.ts', [], { env: { ...OTEL_UNSET, ...env }, timeoutMs: 60_000 });
  expect(result.code, result.stderr).to.equal(0);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as string[];
}

describe('tracing off: with OTEL_* unset no SDK is loaded', function () {
  this.timeout(120_000);

  it('serving, allocating and a provider call load only @opentelemetry/api', async () => {
    expect(await loadedWith({})).to.deep.equal(['@opentelemetry/api']);
  });

  it('OTEL_TRACES_EXPORTER=none and OTEL_SDK_DISABLED=true turn it off even with an endpoint', async () => {
    expect(await loadedWith({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_TRACES_EXPORTER: 'none' })).to.deep.equal(['@opentelemetry/api']);
    expect(await loadedWith({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' })).to.deep.equal(['@opentelemetry/api']);
  });

  it('with an endpoint set, the same run loads the SDK and the OTLP exporter (the check above can see them)', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const loaded = await loadedWith({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      expect(loaded).to.include.members(['@opentelemetry/api', '@opentelemetry/sdk-trace-node', '@opentelemetry/exporter-trace-otlp-proto', '@opentelemetry/resources']);
      expect(receiver.contentTypes.length).to.be.greaterThan(0);
    } finally {
      await receiver.close();
    }
  });
});
