import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../provider/src/cli/main';
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

/**
 * The same check for what an `ipam` command pays at start-up: on the embedded backend, the
 * everyday commands load SQLite and the B+ tree of the ledger, and no package that only another
 * face or another command needs (OpenTelemetry, zod, ip-num for IPv6 text, the HTTP client), nor
 * the error catalogue's messages while no error is made.
 */
describe('an ipam command loads only what it needs', function () {
  this.timeout(120_000);
  let state: string;

  before(async () => {
    state = join(mkdtempSync(join(tmpdir(), 'ipam-cli-modules-')), 'state.db');
    const code = await runCli(['pool', 'create', 'corp', '10.0.0.0/16', '--default-prefix', '24', '--state', state], { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: tmpdir() });
    expect(code).to.equal(0);
  });

  /** What a fresh process loaded running these command lines (less the TypeScript runner's own packages), and their exit codes. */
  async function loadedBy(...lines: string[]): Promise<{ codes: number[]; packages: string[]; modules: string[] }> {
    const result = await runTs('test/support/cli-modules-worker.ts', lines.map((line) => `${line} --state ${state}`), { env: OTEL_UNSET, timeoutMs: 60_000 });
    expect(result.code, result.stderr).to.equal(0);
    const loaded = JSON.parse(result.stdout.trim().split('\n').pop()!) as { codes: number[]; packages: string[]; modules: string[] };
    return { ...loaded, packages: loaded.packages.filter((name) => name !== 'tsx' && name !== 'esbuild') };
  }

  it('pool list, alloc and find load better-sqlite3 (with its loader) and sorted-btree, nothing else, and no error catalogue', async () => {
    const loaded = await loadedBy('pool list', 'alloc corp --owner web', 'find 10.0.0.1');
    expect(loaded.codes).to.deep.equal([0, 0, 0]);
    expect(loaded.packages).to.deep.equal(['better-sqlite3', 'bindings', 'file-uri-to-path', 'sorted-btree']);
    expect(loaded.modules).to.include('errors/index.ts').and.not.include('errors/catalogue.ts');
  });

  it('an IPv6 address loads ip-num, a pool policy zod, an error the catalogue (the checks above can see them)', async () => {
    expect((await loadedBy('find 2001:db8::1')).packages).to.include('ip-num');
    expect((await loadedBy('pool create ruled 10.1.0.0/16 --min-prefix 20')).packages).to.include('zod');
    const refused = await loadedBy('alloc nowhere --owner web');
    expect(refused.codes).to.deep.equal([1]);
    expect(refused.modules).to.include('errors/catalogue.ts');
  });
});
