import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { HOSTILE_INPUTS, HOSTILE_SETUP, HostileOperation } from '../support/hostile-inputs';
import { InProcessService, WRITER, startInProcess } from '../support/http-service';
import { REPO, runNode } from '../support/processes';
import { send, storeVersions } from './request';

/**
 * The same input rules on every face: each row of test/support/hostile-inputs.ts goes through
 * the built `ipam` command (a child process on a SQLite file), through the HTTP API (the
 * service over loopback, on another SQLite file), and through the command as a client of that
 * service. Each must refuse it with the row's code, naming the row's field, with the same
 * message, and leave the state as it was. Then the
 * refusals only the HTTP API can meet: bodies in another charset, bytes that are not UTF-8,
 * query numbers with leading zeros.
 */
const IPAM_BIN = join(REPO, 'dist/provider/src/cli/main.js');

interface Refusal {
  code: string;
  field?: string;
  message: string;
}

/**
 * The command line a person would type for an operation (global options added by the caller).
 * A field the command line cannot carry fails the test rather than being dropped.
 */
function commandLine(op: HostileOperation): string[] {
  const flag = (name: string, value: string | number | undefined): string[] => (value === undefined ? [] : [`--${name}`, String(value)]);
  const each = (name: string, values: string[] | undefined): string[] => (values ?? []).flatMap((v) => [`--${name}`, v]);
  const labels = (l: Record<string, string> | null | undefined): string[] => each('label', Object.entries(l ?? {}).map(([k, v]) => `${k}=${v}`));
  const only = (input: object, fields: string[]) => {
    const other = Object.keys(input).filter((k) => !fields.includes(k));
    if (other.length > 0) throw new Error(`the ipam command face of this test does not translate ${other.join(', ')} of ${op.operation}`);
  };
  switch (op.operation) {
    case 'create pool': {
      const i = op.input;
      only(i, ['name', 'cidr', 'parent', 'prefixLength', 'prefer', 'owner', 'gateway', 'defaultPrefixLength', 'reserved', 'description', 'labels']);
      return [
        'pool', 'create', i.name, ...(i.cidr === undefined ? [] : [i.cidr]),
        ...flag('parent', i.parent), ...flag('prefix', i.prefixLength), ...flag('prefer', i.prefer), ...flag('owner', i.owner),
        ...(i.gateway === true ? ['--gateway'] : typeof i.gateway === 'string' ? ['--gateway', i.gateway] : []),
        ...flag('default-prefix', i.defaultPrefixLength), ...each('reserve', i.reserved), ...flag('description', i.description), ...labels(i.labels),
      ];
    }
    case 'update pool':
      only(op.input, ['pool', 'reserved', 'labels']);
      return ['pool', 'update', op.input.pool, ...each('reserve', op.input.reserved), ...labels(op.input.labels)];
    case 'allocate': {
      const i = op.input;
      only(i, ['pool', 'owner', 'kind', 'prefixLength', 'cidr', 'address', 'prefer', 'description', 'labels']);
      return [
        'alloc', i.pool, '--owner', i.owner, ...(i.kind === 'host' && i.address === undefined ? ['--ip'] : []),
        ...flag('prefix', i.prefixLength), ...flag('cidr', i.cidr), ...flag('address', i.address), ...flag('prefer', i.prefer),
        ...flag('description', i.description), ...labels(i.labels),
      ];
    }
    case 'pool statistics':
      only(op.input, ['pool', 'prefixLength']);
      return ['pool', 'show', op.input.pool, '--prefix', String(op.input.prefixLength)];
    case 'find':
      only(op.input, ['ip']);
      return ['find', op.input.ip];
    case 'slice sync': {
      const i = op.input;
      only(i, ['namespace', 'name', 'sliceSubnet', 'subnetSize', 'clusters']);
      return ['slice', 'sync', i.name, i.sliceSubnet, '--size', String(i.subnetSize), ...each('cluster', i.clusters), '--namespace', i.namespace];
    }
  }
}

/** The request a client of the HTTP API would send for an operation. */
function request(op: HostileOperation): { method: string; path: string; body?: unknown } {
  const pool = (space: string | undefined, name: string) => `/v1/spaces/${space ?? 'default'}/pools/${encodeURIComponent(name)}`;
  switch (op.operation) {
    case 'create pool': {
      const { space, ...body } = op.input;
      return { method: 'POST', path: `/v1/spaces/${space ?? 'default'}/pools`, body };
    }
    case 'update pool': {
      const { space, pool: name, ...body } = op.input;
      return { method: 'PATCH', path: pool(space, name), body };
    }
    case 'allocate': {
      const { space, pool: name, owner, ...body } = op.input;
      return { method: 'PUT', path: `${pool(space, name)}/allocations/${encodeURIComponent(owner)}`, body };
    }
    case 'pool statistics':
      return { method: 'GET', path: `${pool(op.input.space, op.input.pool)}?prefixLength=${op.input.prefixLength}` };
    case 'find':
      return { method: 'GET', path: `/v1/find?ip=${encodeURIComponent(op.input.ip)}` };
    case 'slice sync': {
      const { namespace, name, ...body } = op.input;
      return { method: 'PUT', path: `/v1/namespaces/${namespace}/slices/${encodeURIComponent(name)}`, body };
    }
  }
}

async function versionsOf(file: string): Promise<Record<string, number>> {
  const store = new SqliteStore(file);
  try {
    return await storeVersions(store);
  } finally {
    await store.close();
  }
}

describe('hostile inputs: the same refusal from the ipam command and the HTTP API', function () {
  this.timeout(120_000);
  let dir: string;
  let cliState: string;
  let service: InProcessService;
  const cliRefusals = new Map<string, Refusal>();

  /** The built command on its own state file, or (`server`) as a client of the HTTP service. */
  const ipam = async (op: HostileOperation, server?: string) => {
    const backend = server === undefined ? ['--state', cliState] : ['--server', server];
    const env = server === undefined ? {} : { IPAM_TOKEN: WRITER.token };
    const run = await runNode([IPAM_BIN, ...backend, '--json', ...commandLine(op)], { cwd: dir, env, timeoutMs: 30_000 });
    return { code: run.code, stdout: run.stdout, error: run.code === 0 ? undefined : (JSON.parse(run.stderr) as { error: Refusal }).error };
  };

  before(async () => {
    if (!existsSync(IPAM_BIN)) throw new Error(`${IPAM_BIN} is missing: run \`npm run build\` first (npm test does)`);
    dir = mkdtempSync(join(tmpdir(), 'ipam-hostile-'));
    cliState = join(dir, 'cli.db');
    service = await startInProcess(new SqliteStore(join(dir, 'http.db')));
    for (const op of HOSTILE_SETUP) {
      const run = await ipam(op);
      expect(run.error, `setup through the CLI: ${op.operation}`).to.equal(undefined);
      const { method, path, body } = request(op);
      const sent = await send(service.url, method, path, { body });
      expect(sent.status, `setup through HTTP: ${op.operation}: ${sent.text}`).to.equal(200);
    }
  });

  after(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const row of HOSTILE_INPUTS) {
    describe(`${row.description} (${row.operation})`, () => {
      it(`the ipam command exits 1 with ${row.code} on ${row.field}, changing nothing`, async () => {
        const before = await versionsOf(cliState);
        const run = await ipam(row);
        expect({ exit: run.code, code: run.error?.code, field: run.error?.field }).to.deep.equal({ exit: 1, code: row.code, field: row.field });
        expect(run.error!.message.startsWith(`${row.field}: `), run.error!.message).to.equal(true);
        expect(await versionsOf(cliState)).to.deep.equal(before);
        cliRefusals.set(row.description, run.error!);
      });

      it(`the HTTP API answers ${row.code} on ${row.field} with the command's message, changing nothing`, async () => {
        const before = await storeVersions(service.ipam.store);
        const { method, path, body } = request(row);
        const sent = await send(service.url, method, path, { body });
        expect({ code: sent.body?.code, field: sent.body?.field }).to.deep.equal({ code: row.code, field: row.field });
        expect(sent.status).to.equal(sent.body.status).and.to.be.within(400, 499);
        const cli = cliRefusals.get(row.description);
        expect(sent.body.message, 'the same message as the ipam command').to.equal(cli?.message);
        expect(await storeVersions(service.ipam.store)).to.deep.equal(before);
      });

      it('the ipam command as a client of the HTTP service (--server) gives the same refusal', async () => {
        const before = await storeVersions(service.ipam.store);
        const run = await ipam(row, service.url);
        expect({ exit: run.code, ...run.error }).to.deep.equal({ exit: 1, code: row.code, field: row.field, message: cliRefusals.get(row.description)?.message });
        expect(await storeVersions(service.ipam.store)).to.deep.equal(before);
      });
    });
  }

  describe('refusals of the HTTP protocol', () => {
    const allocation = '/v1/spaces/default/pools/v4/allocations/db';
    const raw = async (body: Uint8Array | string, contentType: string) => {
      const response = await fetch(`${service.url}${allocation}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${WRITER.token}`, 'content-type': contentType },
        body,
        signal: AbortSignal.timeout(20_000),
      });
      return { status: response.status, body: (await response.json()) as Refusal };
    };

    it('a body declared in another charset: 415 naming content-type, nothing allocated', async () => {
      const latin1 = Buffer.from('{"description": "caf\u00e9"}', 'latin1');
      const sent = await raw(latin1, 'application/json; charset=latin1');
      expect([sent.status, sent.body.code, sent.body.field, sent.body.message]).to.deep.equal([
        415, 'UNSUPPORTED_MEDIA_TYPE', 'content-type',
        'content-type: charset "latin1" is not accepted; JSON is sent as UTF-8: encode the body in UTF-8 and declare application/json or application/json; charset=utf-8',
      ]);
      expect((await send(service.url, 'GET', allocation)).status).to.equal(404);
    });

    it('a body whose bytes are not UTF-8: 400 MALFORMED_JSON, not a description patched with U+FFFD', async () => {
      const sent = await raw(Buffer.from('{"description": "caf\u00e9"}', 'latin1'), 'application/json');
      expect([sent.status, sent.body.code, sent.body.message]).to.deep.equal([400, 'MALFORMED_JSON', 'body: not valid UTF-8; JSON is sent as UTF-8, so encode the body in UTF-8']);
      expect((await send(service.url, 'GET', allocation)).status).to.equal(404);
    });

    it('UTF-8 declared in either spelling is read as before', async () => {
      const sent = await raw(Buffer.from('{"description": "caf\u00e9"}', 'utf8'), 'application/json; charset="UTF-8"');
      expect([sent.status, (sent.body as unknown as { description: string }).description]).to.deep.equal([200, 'caf\u00e9']);
      expect((await send(service.url, 'POST', `${allocation}/release`)).status).to.equal(200);
    });

    it('a query number with a leading zero: 400 naming the parameter', async () => {
      const sent = await send(service.url, 'GET', '/v1/spaces/default/pools/v4?prefixLength=028');
      expect([sent.status, sent.body.code, sent.body.field, sent.body.message]).to.deep.equal([
        400, 'INVALID_INPUT', 'prefixLength', 'prefixLength: write the number without leading zeros',
      ]);
    });
  });
});
