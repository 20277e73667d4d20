import { expect } from 'chai';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { ErrorCode, HINT_KINDS, HintRenderer, IpamError, errors, importedBefore, ipamErrorFromJSON, messageFor, renderHint } from '../../provider/src/errors';
import { ERROR_CATALOGUE, ERROR_CODES } from '../../provider/src/errors/catalogue';
import { CLI_HINTS } from '../../provider/src/cli/hints';
import { KUBERNETES_HINTS } from '../../provider/src/controller/hints';
import { PULUMI_HINTS } from '../../provider/src/dynamic/hints';
import { HTTP_HINTS } from '../../provider/src/server/hints';
import { IpamApi } from '../../provider/src/model/api';
import { onEveryBackend } from '../support/backends';
import { FaultyStore } from '../support/faulty-store';

/**
 * Every code of the catalogue has a test that triggers it. The engine's codes are triggered
 * here, one table row each, on every backend; codes that only another layer can produce (the
 * HTTP service, the Kubernetes store) must be asserted by that layer's suite, which the last
 * test checks.
 */
async function world(ipam: IpamApi) {
  // p: gateway 10.0.0.1, "held" 10.0.0.64/26, child 10.0.0.128/26; no /25 is left whole.
  await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24', defaultPrefixLength: 26, gateway: true });
  await ipam.allocate({ pool: 'p', owner: 'held' });
  await ipam.createPool({ name: 'child', parent: 'p', cidr: '10.0.0.128/26' });
  await ipam.syncSlice({ namespace: 'ns', name: 'blue', sliceSubnet: '10.2.0.0/16', subnetSize: 24, clusters: [] });
  return ipam;
}

const slice = (sliceSubnet: string, subnetSize = 24, gracePeriodHours?: number) => (ipam: IpamApi) =>
  ipam.syncSlice({ namespace: 'ns', name: 's', sliceSubnet, subnetSize, clusters: [], gracePeriodHours });

const TRIGGERS: Partial<Record<ErrorCode, (ipam: IpamApi) => Promise<unknown>>> = {
  INVALID_INPUT: (ipam) => ipam.createPool({ name: 'UPPER', cidr: '10.9.0.0/16' }),
  INVALID_CIDR: (ipam) => ipam.createPool({ name: 'x', cidr: '10.9.0.1/16' }),
  INVALID_ADDRESS: (ipam) => ipam.allocate({ pool: 'p', owner: 'o', kind: 'host', address: '10.0.0' }),
  INVALID_PREFIX_LENGTH: (ipam) => ipam.allocate({ pool: 'p', owner: 'o', prefixLength: 33 }),
  FAMILY_MISMATCH: (ipam) => ipam.allocate({ pool: 'p', owner: 'o', cidr: '2001:db8::/120' }),
  OUTSIDE_POOL: (ipam) => ipam.allocate({ pool: 'p', owner: 'o', cidr: '10.1.0.0/26' }),
  SLICE_SUBNET_EMPTY: slice(''),
  SLICE_SUBNET_IPV6: slice('fd00::/64'),
  SLICE_SUBNET_NOT_PRIVATE: slice('8.8.8.0/24', 28),
  SLICE_SUBNET_TOO_SMALL: slice('10.1.0.0/30', 30),
  SLICE_SUBNET_TOO_LARGE: slice('10.0.0.0/7'),
  SUBNET_SIZE_INVALID: slice('10.1.0.0/16', 31),
  SUBNET_SIZE_TOO_SMALL: slice('10.1.0.0/16', 16),
  GRACE_PERIOD_INVALID: slice('10.1.0.0/16', 24, 0),
  POOL_NOT_FOUND: (ipam) => ipam.getPool({ pool: 'nope' }),
  ALLOCATION_NOT_FOUND: (ipam) => ipam.release({ pool: 'p', owner: 'nobody' }),
  POOL_EXISTS: (ipam) => ipam.createPool({ name: 'p', cidr: '10.7.0.0/16' }),
  POOL_OVERLAP: (ipam) => ipam.createPool({ name: 'q', cidr: '10.0.0.0/16' }),
  SLICE_SUBNET_CONFLICT: slice('10.2.0.0/16'),
  POOL_IN_USE: (ipam) => ipam.deletePool({ pool: 'p' }),
  POOL_EXHAUSTED: (ipam) => ipam.allocate({ pool: 'p', owner: 'o', prefixLength: 25 }),
  CIDR_UNAVAILABLE: (ipam) => ipam.allocate({ pool: 'p', owner: 'o', cidr: '10.0.0.64/26' }),
  RESERVED_ADDRESS: (ipam) => ipam.allocate({ pool: 'child', owner: 'o', kind: 'host', address: '10.0.0.128' }),
  OWNER_CONFLICT: (ipam) => ipam.allocate({ pool: 'p', owner: 'held', prefixLength: 27 }),
  CREATOR_MISMATCH: (ipam) => ipam.deletePool({ pool: 'child', creator: 'pulumi:another/stack' }),
};

onEveryBackend('error catalogue: the engine\'s codes', ['ns'], (open) => {
  // One world per backend: each trigger must leave it as it was, which each checks.
  let opened: Awaited<ReturnType<typeof open>>;
  before(async () => {
    opened = await open({ forAllTests: true });
    await world(opened.ipam);
  });
  for (const [code, trigger] of Object.entries(TRIGGERS) as [ErrorCode, (ipam: IpamApi) => Promise<unknown>][]) {
    it(`${code} (${ERROR_CATALOGUE[code].status}) is triggered, and changes nothing`, async () => {
      const { ipam, store } = opened;
      const before = await store.read('default');
      const nsBefore = await store.read('ns');
      let error: unknown;
      await trigger(ipam).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(IpamError);
      expect((error as IpamError).code).to.equal(code);
      expect((error as IpamError).status).to.equal(ERROR_CATALOGUE[code].status);
      expect((await store.read('default')).version).to.equal(before.version);
      expect((await store.read('ns')).version).to.equal(nsBefore.version);
    });
  }
});

describe('error catalogue', () => {
  it('CONTENTION (503) after the retry bound and STORE_UNAVAILABLE (503) when the backend fails', async () => {
    const store = new FaultyStore();
    const ipam = Ipam.create(store.inner);
    await world(ipam);
    const faulty = Ipam.create(store, { sleep: async () => undefined, retry: { maxAttempts: 2 } });
    store.commitFault = 'conflict';
    const contention = await faulty.allocate({ pool: 'p', owner: 'o2', prefixLength: 28 }).catch((e: IpamError) => e);
    expect([(contention as IpamError).code, (contention as IpamError).status]).to.deep.equal(['CONTENTION', 503]);
    store.failReads = true;
    const down = await Ipam.create(store).getPool({ pool: 'p' }).catch((e: IpamError) => e);
    expect([(down as IpamError).code, (down as IpamError).status]).to.deep.equal(['STORE_UNAVAILABLE', 503]);
    expect((await ipam.listAllocations({ pool: 'p' })).map((a) => a.owner)).to.deep.equal(['held']);
  });

  it('survives a trip through JSON (HTTP, child processes) with code, message, field and hint', () => {
    const e = errors.INVALID_CIDR({ case: 'not-text', field: 'cidr' });
    const back = ipamErrorFromJSON(JSON.parse(JSON.stringify(e)));
    expect(back).to.be.instanceOf(IpamError);
    expect([back!.code, back!.message, back!.field, back!.status, back!.hint]).to.deep.equal(['INVALID_CIDR', 'cidr: give a CIDR like 10.0.0.0/16', 'cidr', 400, undefined]);
    const missing = errors.POOL_NOT_FOUND({ case: 'pool', field: 'pool', pool: 'web', space: 'team-a' });
    const rebuilt = ipamErrorFromJSON(JSON.parse(JSON.stringify(missing)));
    expect([rebuilt!.message, rebuilt!.hint]).to.deep.equal(['pool: no pool "web" in address space "team-a"', { kind: 'list-pools', space: 'team-a' }]);
    expect(ipamErrorFromJSON({ code: 'NOT_A_CODE', message: 'x' })).to.equal(undefined);
    // A hint this version does not know is dropped, not trusted: the message still stands.
    expect(ipamErrorFromJSON({ code: 'POOL_NOT_FOUND', message: 'x', hint: { kind: 'format-disk' } })!.hint).to.equal(undefined);
  });

  it('has a message factory for every code, and the factory makes an IpamError of that code and status', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_CATALOGUE[code].message, code).to.be.a('function');
      expect(errors[code], code).to.be.a('function');
    }
    const made = errors.POOL_EXHAUSTED({ pool: 'tiny', cidr: '10.9.0.0/30', wanted: { kind: 'host' }, inGrace: 0n });
    expect([made.code, made.status, made.field, made.reason]).to.deep.equal(['POOL_EXHAUSTED', 409, undefined, made.message]);
    const atField = errors.OUTSIDE_POOL({ case: 'block', field: 'prefer', block: '10.1.0.0/24', within: '10.0.0.0/16' });
    expect([atField.message, atField.reason, atField.field]).to.deep.equal(['prefer: 10.1.0.0/24 is outside 10.0.0.0/16', '10.1.0.0/24 is outside 10.0.0.0/16', 'prefer']);
  });

  it('an error met part way through an import says how far it got, and keeps its code, field and hint', () => {
    const missing = errors.POOL_NOT_FOUND({ case: 'pool', field: 'pool', pool: 'web', space: 'team-a' });
    const later = importedBefore(missing, { done: 5000, total: 12000 });
    const note = ' (5000 of 12000 lines were imported before this; importing the file again is safe: imported lines are left unchanged)';
    expect([later.code, later.status, later.field, later.hint]).to.deep.equal(['POOL_NOT_FOUND', 404, 'pool', { kind: 'list-pools', space: 'team-a' }]);
    expect([later.message, later.reason]).to.deep.equal([`${missing.message}${note}`, `${missing.reason}${note}`]);
    expect(messageFor(later, CLI_HINTS)).to.equal(`pool: no pool "web" in address space "team-a"${note}; list pools with \`ipam pool list --space team-a\``);
  });

  it('each face words every hint its own way, and never as another face would', () => {
    const hints = {
      'list-pools': { kind: 'list-pools', space: 'team-a' },
      'list-slices': { kind: 'list-slices', namespace: 'kubeslice' },
      'list-allocations': { kind: 'list-allocations', space: 'team-a', pool: 'vpn' },
      'rename-or-update-pool': { kind: 'rename-or-update-pool', space: 'team-a', pool: 'vpn' },
      'check-pool': { kind: 'check-pool', space: 'team-a', pool: 'vpn' },
      'label-pool': { kind: 'label-pool', space: 'team-a', selector: 'zone=a' },
    } as const;
    expect(Object.keys(hints)).to.deep.equal([...HINT_KINDS]);
    const faces: [string, HintRenderer, RegExp | undefined][] = [
      ['cli', CLI_HINTS, /`ipam /],
      ['http', HTTP_HINTS, undefined],
      ['pulumi', PULUMI_HINTS, undefined],
      ['kubernetes', KUBERNETES_HINTS, undefined],
    ];
    const said = (renderer: HintRenderer) => messageFor(errors.POOL_NOT_FOUND({ case: 'pool', field: 'pool', pool: 'vpn', space: 'team-a' }), renderer);
    expect(said(CLI_HINTS)).to.equal('pool: no pool "vpn" in address space "team-a"; list pools with `ipam pool list --space team-a`');
    expect(said(HTTP_HINTS)).to.equal('pool: no pool "vpn" in address space "team-a"; list pools with GET /v1/spaces/team-a/pools');
    expect(said(KUBERNETES_HINTS)).to.equal('pool: no pool "vpn" in address space "team-a"; list pools with `kubectl get subnetpools -n team-a`');
    // Outside the default space, the command names the space the selector looked in.
    expect(renderHint(hints['label-pool'], CLI_HINTS)).to.equal('label a pool to match (`ipam pool update NAME --label KEY=VALUE --space team-a`), or change the selector');
    for (const hint of Object.values(hints)) {
      for (const [face, renderer, own] of faces) {
        const text = renderHint(hint, renderer);
        expect(text, `${face} ${hint.kind}`).to.be.a('string').and.not.equal('');
        // Only the CLI says `ipam pool ...`; the HTTP face never names a command at all.
        if (face === 'http') expect(text, `${face} ${hint.kind}`).not.to.match(/`/);
        if (face !== 'cli' && hint.kind !== 'check-pool') expect(text, `${face} ${hint.kind}`).not.to.match(/`ipam /);
        if (own !== undefined) expect(text, `${face} ${hint.kind}`).to.match(own);
      }
    }
  });

  it('no message is written outside the catalogue: no IpamError is made from a text at the place that throws', () => {
    const sourceRoot = join(__dirname, '../../provider/src');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (path !== join(sourceRoot, 'errors')) walk(path);
        } else if (name.endsWith('.ts')) {
          const text = readFileSync(path, 'utf8');
          // `new IpamError(code, <anything>)` and `super(code, '...')` in a subclass: only errors/ builds one.
          const made = /new IpamError\(|super\(\s*'[A-Z_]+',\s*[`'"]/.exec(text);
          if (made !== null) offenders.push(`${path.slice(sourceRoot.length + 1)}: ${made[0]}`);
        }
      }
    };
    walk(sourceRoot);
    expect(offenders, 'IpamErrors made outside provider/src/errors/').to.deep.equal([]);
    // And the check would see one: it is not a test that cannot fail.
    expect(/new IpamError\(/.test("throw new IpamError('POOL_NOT_FOUND', `pool: ${name}`)")).to.equal(true);
  });

  it('every other code is asserted (compared with what an error carries) by the suite of the layer that produces it', () => {
    const local = new Set([...Object.keys(TRIGGERS), 'CONTENTION', 'STORE_UNAVAILABLE']);
    const testRoot = join(__dirname, '..');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.test.ts') && path !== __filename) files.push(readFileSync(path, 'utf8'));
      }
    };
    walk(testRoot);
    // Asserted, not merely named: the code an error carries is compared with it, in one of the
    // forms the suites use (an IpamError's code, a problem's code field, the text a person sees).
    const asserted = (code: string) => [
      new RegExp(`expectIpamError\\([\\s\\S]{0,600}?'${code}'`),
      new RegExp(`code: '${code}'`),
      new RegExp(`\\.equal\\(\\[?'${code}'`),
      new RegExp(`'${code}: `),
      new RegExp(`error\\[${code}\\]`),
      // An HTTP status followed by the code, as the problem tables and tuples of the server suites write them.
      new RegExp(`\\b[45]\\d\\d,\\s*'${code}'`),
    ];
    const untested = ERROR_CODES.filter((code) => !local.has(code) && !files.some((text) => asserted(code).some((pattern) => pattern.test(text))));
    expect(untested, 'catalogue codes no test asserts').to.deep.equal([]);
  });
});
