import { expect } from 'chai';
import { Ipam } from '../../provider/src/engine/ipam';
import { MemoryStore } from '../../provider/src/store/memory';
import { CLI_HINTS } from '../../provider/src/cli/hints';
import { Hint, messageFor } from '../../provider/src/errors';
import { expectIpamError } from '../support/expect-error';
import { allocationRecord, poolRecord } from '../support/records';

/**
 * Rows a store holds that contradict each other (a bad restore, a hand edit, a bug elsewhere)
 * are refused when the engine loads them, naming the pool, the row and its block, and pointing
 * at `ipam check`; the allocator's own "internal" assertion never reaches a user.
 */
const pool = poolRecord;
const allocation = (poolName: string, owner: string, cidr: string) => allocationRecord(poolName, owner, cidr);

/** Writes rows straight to the store, past the engine, as a corrupting process would. */
async function writeRaw(store: MemoryStore, space: string, writes: Parameters<MemoryStore['commit']>[0]['writes']): Promise<void> {
  const { version } = await store.read(space);
  expect((await store.commit({ space, expectedVersion: version, writes, audit: [] })).ok).to.equal(true);
}

// The engine names no command: "check this pool" is a hint each face words (`ipam check`, GET .../check).
const check = (pool: string, space = 'default'): Hint => ({ kind: 'check-pool', space, pool });

describe('engine: corrupted stored state', () => {
  it('an allocation overlapping another, loaded whole: STATE_CORRUPTED naming pool, owners and blocks', async () => {
    const store = new MemoryStore();
    await writeRaw(store, 'default', [
      { type: 'savePool', pool: pool('corp', '10.0.0.0/16') },
      { type: 'saveAllocation', allocation: allocation('corp', 'web', '10.0.0.0/24') },
      { type: 'saveAllocation', allocation: allocation('corp', 'db', '10.0.0.64/26') },
    ]);
    await expectIpamError(
      Ipam.create(store).allocate({ pool: 'corp', owner: 'new', prefixLength: 24 }),
      'STATE_CORRUPTED',
      'pool "corp" in address space "default": the stored state is inconsistent: the allocation of "db" (10.0.0.64/26) overlaps ' +
        'the allocation of "web" (10.0.0.0/24). Nothing was changed',
      check('corp'),
    );
  });

  it('a row arriving in a delta (another process wrote it) is refused too, and the next read is whole again', async () => {
    const store = new MemoryStore();
    const ipam = Ipam.create(store);
    await ipam.createPool({ name: 'vpn', space: 'team-a', cidr: '10.8.0.0/24', gateway: true });
    await ipam.allocate({ pool: 'vpn', space: 'team-a', owner: 'alice', kind: 'host' });
    await writeRaw(store, 'team-a', [{ type: 'saveAllocation', allocation: { ...allocation('vpn', 'mallory', '10.8.0.1/32'), kind: 'host' } }]);
    const message =
      'pool "vpn" in address space "team-a": the stored state is inconsistent: the allocation of "mallory" (10.8.0.1/32) overlaps ' +
      'the gateway (10.8.0.1/32). Nothing was changed';
    const refusal = await expectIpamError(ipam.getPool({ pool: 'vpn', space: 'team-a' }), 'STATE_CORRUPTED', message, check('vpn', 'team-a'));
    // What the `ipam` command prints: the hint as the command to run, with the space it needs.
    expect(messageFor(refusal, CLI_HINTS)).to.equal(
      `${message}; run \`ipam check vpn --space team-a\` to list every problem, then repair the state (restore a backup, or remove the bad row)`,
    );
    // Not a half-applied cache: asked again, the engine reloads and refuses the same way.
    await expectIpamError(ipam.getPool({ pool: 'vpn', space: 'team-a' }), 'STATE_CORRUPTED', message, check('vpn', 'team-a'));
    await writeRaw(store, 'team-a', [{ type: 'removeAllocation', pool: 'vpn', owner: 'mallory' }]);
    expect((await ipam.listAllocations({ pool: 'vpn', space: 'team-a' })).map((a) => a.owner)).to.deep.equal(['alice']);
  });

  it('a child pool outside its parent, and an allocation outside its pool, are named', async () => {
    const store = new MemoryStore();
    await writeRaw(store, 'default', [
      { type: 'savePool', pool: pool('world', '10.0.0.0/8') },
      { type: 'savePool', pool: pool('stray', '11.0.0.0/16', { parent: 'world' }) },
    ]);
    await expectIpamError(
      Ipam.create(store).listPools(),
      'STATE_CORRUPTED',
      `pool "world" in address space "default": the stored state is inconsistent: child pool "stray" (11.0.0.0/16) is outside the pool (10.0.0.0/8). Nothing was changed`,
      check('world'),
    );
    const other = new MemoryStore();
    await writeRaw(other, 'default', [
      { type: 'savePool', pool: pool('corp', '10.0.0.0/16') },
      { type: 'saveAllocation', allocation: allocation('corp', 'far', '192.168.0.0/24') },
    ]);
    await expectIpamError(
      Ipam.create(other).listPools(),
      'STATE_CORRUPTED',
      `pool "corp" in address space "default": the stored state is inconsistent: the allocation of "far" (192.168.0.0/24) is outside the pool (10.0.0.0/16). Nothing was changed`,
      check('corp'),
    );
  });
});
