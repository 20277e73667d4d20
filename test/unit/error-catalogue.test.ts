import { expect } from 'chai';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { ERROR_CATALOGUE, ERROR_CODES, ErrorCode, IpamError, ipamErrorFromJSON } from '../../provider/src/errors';
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

  it('survives a trip through JSON (HTTP, child processes) with code, message and field', () => {
    const e = new IpamError('INVALID_CIDR', 'cidr: bad', 'cidr');
    const back = ipamErrorFromJSON(JSON.parse(JSON.stringify(e)));
    expect(back).to.be.instanceOf(IpamError);
    expect([back!.code, back!.message, back!.field, back!.status]).to.deep.equal(['INVALID_CIDR', 'cidr: bad', 'cidr', 400]);
    expect(ipamErrorFromJSON({ code: 'NOT_A_CODE', message: 'x' })).to.equal(undefined);
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
