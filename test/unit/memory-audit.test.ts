import { expect } from 'chai';
import fc from 'fast-check';
import { AuditEvent } from '../../provider/src/model/records';
import { AuditColumns } from '../../provider/src/store/memory-audit';

const ACTIONS: AuditEvent['action'][] = ['allocate', 'release', 'reclaim', 'create-pool', 'delete-pool', 'update-pool'];

/** An audit event with fields drawn from small sets, so runs of equal time, actor and pool occur. */
const event: fc.Arbitrary<AuditEvent> = fc
  .record({
    at: fc.constantFrom('2024-01-01T00:00:00.000Z', '2024-01-01T00:00:01.000Z'),
    pool: fc.constantFrom('a', 'b'),
    action: fc.constantFrom(...ACTIONS),
    actor: fc.constantFrom('alice', 'bob'),
    owner: fc.option(fc.constantFrom('o1', 'o2', 'o3'), { nil: undefined }),
    cidr: fc.option(fc.constantFrom('10.0.0.0/24', '2001:db8::/64'), { nil: undefined }),
  })
  .map((e) => {
    const out: AuditEvent = { at: e.at, pool: e.pool, action: e.action, actor: e.actor };
    if (e.owner !== undefined) out.owner = e.owner;
    if (e.cidr !== undefined) out.cidr = e.cidr;
    return out;
  });

describe('the in-memory store audit trail in columns', () => {
  it('lists a pool newest first, as the list of events it was given would (property)', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 3000 }), fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 4000 }), (events, pool, limit) => {
        const columns = new AuditColumns();
        for (const e of events) columns.push(e);
        const expected = events.filter((e) => e.pool === pool).reverse().slice(0, limit);
        expect(columns.newestOf(pool, limit)).to.deep.equal(expected);
      }),
      { numRuns: 200 },
    );
  });
});
