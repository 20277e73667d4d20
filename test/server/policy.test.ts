import { expect } from 'chai';
import { MemoryStore } from '../../provider/src/store/memory';
import { InProcessService, startInProcess } from '../support/http-service';
import { send, storeVersions } from './request';

/**
 * Pool policy over the HTTP API: a pool's rules and quotas in its JSON, allocation by selector
 * (PUT /v1/spaces/{space}/allocations/{owner}), and each refusal with its status, code and
 * message. Requests name no creator, so the token's name ("ci-writer") is the creator.
 */
describe('HTTP API: pool policy', () => {
  let service: InProcessService;
  let store: MemoryStore;
  const POOLS = '/v1/spaces/default/pools';

  beforeEach(async () => {
    store = new MemoryStore();
    service = await startInProcess(store);
    const created = await send(service.url, 'POST', POOLS, {
      body: {
        name: 'shared',
        cidr: '10.0.0.0/16',
        defaultPrefixLength: 24,
        labels: { zone: 'a' },
        policy: { minPrefixLength: 20, maxPrefixLength: 26, requiredLabels: ['team'], quotas: [{ name: 'per-token', maxBlocks: 1 }] },
      },
    });
    expect(created.status).to.equal(200);
    expect(created.body.policy).to.deep.equal({ minPrefixLength: 20, maxPrefixLength: 26, requiredLabels: ['team'], quotas: [{ name: 'per-token', creators: '*', per: 'creator', scope: 'pool', maxBlocks: 1 }] });
  });
  afterEach(() => service.close());

  const refusal = async (method: string, path: string, body: object) => {
    const before = await storeVersions(store);
    const got = await send(service.url, method, path, { body });
    expect(await storeVersions(store)).to.deep.equal(before);
    return [got.status, got.body.code, got.body.message];
  };

  it('allocates by selector, says which pool was chosen, and shows usage against the quota with the pool', async () => {
    const got = await send(service.url, 'PUT', '/v1/spaces/default/allocations/vm-1', { body: { poolSelector: 'zone=a', labels: { team: 'web' } } });
    expect([got.status, got.body.pool, got.body.cidr]).to.deep.equal([200, 'shared', '10.0.0.0/24']);
    const pool = await send(service.url, 'GET', `${POOLS}/shared`);
    expect(pool.body.quotaUsage).to.deep.equal([{ quota: 'per-token', pool: 'shared', scope: 'pool', holder: 'ci-writer', addresses: '256', blocks: 1, maxBlocks: 1 }]);
    expect((await send(service.url, 'GET', '/v1/pools')).body[0].quotaUsage).to.deep.equal(pool.body.quotaUsage);
  });

  it('refuses each rule and the quota with its status, code and message, changing nothing', async () => {
    const alloc = (owner: string) => `${POOLS}/shared/allocations/${owner}`;
    expect(await refusal('PUT', alloc('big'), { prefixLength: 16, labels: { team: 'x' } })).to.deep.equal([
      422,
      'POLICY_PREFIX_LENGTH',
      'prefixLength: a /16 is larger than pool "shared" in address space "default" hands out: its rule minPrefixLength is 20 (blocks /20 to /26); ask for /20 or a longer prefix',
    ]);
    expect(await refusal('PUT', alloc('bare'), {})).to.deep.equal([
      422,
      'POLICY_LABEL_MISSING',
      'labels: pool "shared" in address space "default" requires "team" on every claim (its rule requiredLabels), and this claim lacks label "team"; add the label to the claim\'s labels',
    ]);
    expect((await send(service.url, 'PUT', alloc('first'), { body: { labels: { team: 'x' } } })).status).to.equal(200);
    expect(await refusal('PUT', alloc('second'), { labels: { team: 'x' } })).to.deep.equal([
      409,
      'QUOTA_EXCEEDED',
      'quota "per-token" of pool "shared" allows ci-writer at most 1 block in pool "shared"; it holds 256 addresses in 1 block, and 10.0.1.0/24 would add 256 addresses. ' +
        'Release blocks no longer needed (released blocks count until their grace period ends), ask for a smaller block, or ask whoever manages the pool to raise the quota',
    ]);
  });

  it('refuses a creator the pool does not allow, a selector nothing matches, and a malformed policy', async () => {
    await send(service.url, 'PATCH', `${POOLS}/shared`, { body: { policy: { allowedCreators: ['pulumi:*'] } } });
    expect(await refusal('PUT', `${POOLS}/shared/allocations/x`, { labels: { team: 'x' } })).to.deep.equal([
      422,
      'POLICY_CREATOR_NOT_ALLOWED',
      'creator: pool "shared" in address space "default" lets only creators matching "pulumi:*" allocate (its rule allowedCreators), and ci-writer is not one of them; claim from another pool, or ask whoever manages the pool to add you to allowedCreators',
    ]);
    expect(await refusal('PUT', '/v1/spaces/default/allocations/x', { poolSelector: { zone: 'b' } })).to.deep.equal([
      404,
      'NO_MATCHING_POOL',
      'poolSelector: no pool in address space "default" has labels matching "zone=b"',
    ]);
    // The fix, as the HTTP face words it: a request, not a command.
    expect((await send(service.url, 'PUT', '/v1/spaces/default/allocations/x', { body: { poolSelector: { zone: 'b' } } })).body.detail).to.equal(
      'poolSelector: no pool in address space "default" has labels matching "zone=b"; label a pool to match (PATCH /v1/spaces/default/pools/NAME with its labels), or change the selector',
    );
    expect(await refusal('PATCH', `${POOLS}/shared`, { policy: { minPrefixLength: '20' } })).to.deep.equal([400, 'INVALID_INPUT', 'policy.minPrefixLength: expected number, received string']);
    expect(await refusal('PATCH', `${POOLS}/shared`, { policy: { quotas: [{ name: 'q', maxBlocks: 1, per: 'team' }] } })).to.deep.equal([
      400,
      'INVALID_INPUT',
      'policy.quotas.0.per: Invalid option: expected one of "creator"|"group"',
    ]);
  });
});
