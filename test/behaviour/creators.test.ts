import { expect } from 'chai';
import { Store } from '../../provider/src/engine/store';
import { IpamApi } from '../../provider/src/model/api';
import { OpenBackend, onEveryBackend } from '../support/backends';
import { expectIpamError } from '../support/expect-error';
import { poolRecord } from '../support/records';

/**
 * Creators: what a stack creates records it; another stack's request may not take it over
 * (unless it adopts), change, release or delete it, and is refused with CREATOR_MISMATCH,
 * changing nothing. Requests that name no creator (the ipam command) act as operators.
 * On every backend: over HTTP the creator travels in the request, and an operator is a token.
 */
const A = 'pulumi:team-a/dev';
const B = 'pulumi:team-b/dev';

onEveryBackend('creators', ['ks'], (open) => {
  let backend: Awaited<ReturnType<OpenBackend>>;
  let store: Store;
  let ipam: IpamApi;

  beforeEach(async () => {
    backend = await open();
    ({ ipam, store } = backend);
    await ipam.createPool({ name: 'shared', cidr: '10.60.0.0/24', gateway: true, creator: A });
    await ipam.allocate({ pool: 'shared', owner: 'alice', kind: 'host', creator: A });
    await ipam.syncSlice({ namespace: 'ks', name: 'blue', sliceSubnet: '10.2.0.0/16', subnetSize: 24, clusters: ['w1'], creator: A });
  });

  /** Sends a request that must be refused; the store is unchanged afterwards. */
  async function refused(call: () => Promise<unknown>, message: string): Promise<void> {
    const before = [(await store.read('default')).version, (await store.read('ks')).version];
    await expectIpamError(call(), 'CREATOR_MISMATCH', message);
    expect([(await store.read('default')).version, (await store.read('ks')).version]).to.deep.equal(before);
  }

  const ADOPT_HINT = "or set adopt: true to share it (it stays its creator's to change and delete)";

  it('records the creator on pools, slices and allocations; the actor when the request names none', async () => {
    expect((await ipam.getPool({ pool: 'shared' })).creator).to.equal(A);
    expect((await ipam.getAllocation({ pool: 'shared', owner: 'alice' }))!.creator).to.equal(A);
    expect((await ipam.getSlice({ namespace: 'ks', name: 'blue' })).creator).to.equal(A);
    // Actors are names an HTTP token can have: over HTTP the actor is the token's name.
    const cli = backend.as('root');
    expect((await cli.createPool({ name: 'lab', cidr: '10.9.0.0/24' })).creator).to.equal('root');
    expect((await cli.allocate({ pool: 'lab', owner: 'x', prefixLength: 28 })).creator).to.equal('root');
  });

  it('refuses to take over a pool or a client address of another creator, unless the request adopts', async () => {
    await refused(
      () => ipam.createPool({ name: 'shared', cidr: '10.60.0.0/24', gateway: true, creator: B }),
      `pool "shared" in address space "default" was created by ${A}, not by ${B}; choose another name, ${ADOPT_HINT}`,
    );
    await refused(
      () => ipam.allocate({ pool: 'shared', owner: 'alice', kind: 'host', creator: B }),
      `the address of owner "alice" in pool "shared" (10.60.0.2/32) was created by ${A}, not by ${B}; choose another clientId, ${ADOPT_HINT}`,
    );
    const pool = await ipam.createPool({ name: 'shared', cidr: '10.60.0.0/24', gateway: true, creator: B, adopt: true });
    expect(pool.creator).to.equal(A);
    const address = await ipam.allocate({ pool: 'shared', owner: 'alice', kind: 'host', creator: B, adopt: true });
    expect([address.address, address.creator]).to.deep.equal(['10.60.0.2', A]);
    // Adopting shares what is there; a different definition is still a different pool.
    await expectIpamError(ipam.createPool({ name: 'shared', cidr: '10.60.0.0/24', creator: B, adopt: true }), 'POOL_EXISTS');
  });

  it('refuses to change, release or delete what another creator made; asking for no change is no change', async () => {
    await refused(
      () => ipam.updatePool({ pool: 'shared', description: 'mine now', creator: B }),
      `pool "shared" in address space "default" was created by ${A}, not by ${B}; only its creator can change it`,
    );
    expect((await ipam.updatePool({ pool: 'shared', gateway: true, creator: B })).description).to.equal(undefined);
    await refused(
      () => ipam.release({ pool: 'shared', owner: 'alice', creator: B }),
      `the address of owner "alice" in pool "shared" (10.60.0.2/32) was created by ${A}, not by ${B}; only its creator can release it`,
    );
    await refused(
      () => ipam.syncSlice({ namespace: 'ks', name: 'blue', sliceSubnet: '10.2.0.0/16', subnetSize: 24, clusters: ['w9'], creator: B }),
      `slice "blue" in namespace "ks" was created by ${A}, not by ${B}; only its creator can change it; give the slice another name or namespace`,
    );
    await refused(() => ipam.deleteSlice({ namespace: 'ks', name: 'blue', creator: B }), `slice "blue" in namespace "ks" was created by ${A}, not by ${B}; only its creator can delete it`);
    await ipam.release({ pool: 'shared', owner: 'alice', creator: A });
    await refused(() => ipam.deletePool({ pool: 'shared', creator: B }), `pool "shared" in address space "default" was created by ${A}, not by ${B}; only its creator can delete it`);
    await ipam.deletePool({ pool: 'shared', creator: A });
    await ipam.deleteSlice({ namespace: 'ks', name: 'blue', creator: A });
    expect(await ipam.listPools()).to.deep.equal([]);
  });

  it('lets a request that names no creator (the ipam command) act on anything, and binds nobody to records made before creators', async () => {
    const operator = backend.as('root');
    await operator.release({ pool: 'shared', owner: 'alice' });
    await operator.deletePool({ pool: 'shared' });
    await operator.deleteSlice({ namespace: 'ks', name: 'blue' });
    // A record without a creator, as earlier versions wrote them.
    await store.commit({
      space: 'default',
      expectedVersion: (await store.read('default')).version,
      writes: [{ type: 'savePool', pool: poolRecord('old', '10.70.0.0/24') }],
      audit: [],
    });
    await ipam.updatePool({ pool: 'old', description: 'anyone', creator: B });
    await ipam.deletePool({ pool: 'old', creator: A });
  });

  it('refuses a creator that is not a printable key, naming the field', async () => {
    await expectIpamError(
      ipam.createPool({ name: 'x', cidr: '10.80.0.0/24', creator: '' }),
      'INVALID_INPUT',
      'creator: "" is not a valid owner key; give 1 to 253 printable characters (e.g. the stack and resource name)',
    );
  });
});
