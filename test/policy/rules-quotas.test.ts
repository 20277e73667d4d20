import { expect } from 'chai';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamApi } from '../../provider/src/model/api';
import { OpenBackend, onEveryBackend } from '../support/backends';
import { expectIpamError } from '../support/expect-error';

/**
 * A pool's allocation rules and its quotas, on every backend: each refusal with the message a
 * person reads, usage as `ipam pool show` and the HTTP API report it, released blocks counted
 * until their grace period ends, and quotas that hold under many concurrent clients.
 */
const HOUR = 3600_000;

async function shared(open: OpenBackend) {
  let now = Date.parse('2026-03-01T00:00:00Z');
  const opened = await open({ now: () => now });
  await opened.ipam.createPool({
    name: 'shared',
    cidr: '10.0.0.0/16',
    defaultPrefixLength: 24,
    gracePeriodSeconds: 3600,
    policy: {
      minPrefixLength: 20,
      maxPrefixLength: 26,
      requiredLabels: ['team', 'env=prod'],
      allowedCreators: ['pulumi:acme/*', 'ci'],
      quotas: [{ name: 'per-stack', creators: 'pulumi:*', maxAddresses: 1024 }],
    },
  });
  return { ...opened, advance: (ms: number) => (now += ms), clock: () => now };
}

const LABELS = { team: 'net', env: 'prod' };
const claim = (ipam: IpamApi, owner: string, creator: string, extra: object = {}) =>
  ipam.allocate({ pool: 'shared', owner, creator, labels: LABELS, ...extra });

onEveryBackend('pool allocation rules', [], (open) => {
  it('a claim larger than the pool hands out is refused, naming the rule and the pool', async () => {
    const { ipam } = await shared(open);
    await expectIpamError(claim(ipam, 'big', 'pulumi:acme/dev', { prefixLength: 16 }), 'POLICY_PREFIX_LENGTH',
      'prefixLength: a /16 is larger than pool "shared" in address space "default" hands out: its rule minPrefixLength is 20 (blocks /20 to /26); ask for /20 or a longer prefix');
    await expectIpamError(claim(ipam, 'tiny', 'pulumi:acme/dev', { prefixLength: 28 }), 'POLICY_PREFIX_LENGTH',
      'prefixLength: a /28 is smaller than pool "shared" in address space "default" hands out: its rule maxPrefixLength is 26 (blocks /20 to /26); ask for /26 or a shorter prefix');
    // A specific block is held to the same rule.
    await expectIpamError(claim(ipam, 'exact', 'pulumi:acme/dev', { cidr: '10.0.0.0/17' }), 'POLICY_PREFIX_LENGTH',
      'prefixLength: a /17 is larger than pool "shared" in address space "default" hands out: its rule minPrefixLength is 20 (blocks /20 to /26); ask for /20 or a longer prefix');
    expect(await ipam.listAllocations({ pool: 'shared' })).to.deep.equal([]);
  });

  it('a claim lacking a required label is refused, naming the label', async () => {
    const { ipam } = await shared(open);
    await expectIpamError(claim(ipam, 'x', 'pulumi:acme/dev', { labels: { env: 'dev' } }), 'POLICY_LABEL_MISSING',
      'labels: pool "shared" in address space "default" requires "env=prod", "team" on every claim (its rule requiredLabels), and this claim lacks label "env" = "prod" (it has "dev"), label "team"; add the label to the claim\'s labels');
  });

  it('a creator the pool does not allow is refused, naming who may', async () => {
    const { ipam } = await shared(open);
    await expectIpamError(claim(ipam, 'x', 'pulumi:other/dev'), 'POLICY_CREATOR_NOT_ALLOWED',
      'creator: pool "shared" in address space "default" lets only creators matching "ci", "pulumi:acme/*" allocate (its rule allowedCreators), and pulumi:other/dev is not one of them; claim from another pool, or ask whoever manages the pool to add you to allowedCreators');
    expect((await claim(ipam, 'ok', 'ci')).cidr).to.equal('10.0.0.0/24');
  });

  it('a child pool carved from the pool (a claim asPool) is held to its rules', async () => {
    const { ipam } = await shared(open);
    await expectIpamError(ipam.createPool({ name: 'team-a', parent: 'shared', prefixLength: 18, creator: 'pulumi:acme/a', labels: LABELS }), 'POLICY_PREFIX_LENGTH',
      'prefixLength: a /18 is larger than pool "shared" in address space "default" hands out: its rule minPrefixLength is 20 (blocks /20 to /26); ask for /20 or a longer prefix');
    const child = await ipam.createPool({ name: 'team-a', parent: 'shared', prefixLength: 22, creator: 'pulumi:acme/a', labels: LABELS });
    expect(child.cidr).to.equal('10.0.0.0/22');
  });

  it('rules bind new claims only: an owner that holds its block keeps getting it after the rules tighten', async () => {
    const { ipam } = await shared(open);
    const held = await claim(ipam, 'web', 'pulumi:acme/dev');
    await ipam.updatePool({ pool: 'shared', defaultPrefixLength: 22, policy: { maxPrefixLength: 22 } });
    expect((await claim(ipam, 'web', 'pulumi:acme/dev', { prefixLength: 24 })).cidr).to.equal(held.cidr);
    await expectIpamError(claim(ipam, 'api', 'pulumi:acme/dev', { prefixLength: 24 }), 'POLICY_PREFIX_LENGTH');
  });

  it('a policy that contradicts itself or the pool is refused when set, naming the field', async () => {
    const { ipam } = await shared(open);
    await expectIpamError(ipam.updatePool({ pool: 'shared', policy: { minPrefixLength: 25, maxPrefixLength: 24 } }), 'INVALID_PREFIX_LENGTH',
      'minPrefixLength: /25 is longer than maxPrefixLength /24; the minimum is the largest block, so give a number no greater than 24');
    await expectIpamError(ipam.updatePool({ pool: 'shared', policy: { minPrefixLength: 8 } }), 'INVALID_PREFIX_LENGTH',
      'minPrefixLength: 8 is not a prefix length for this pool; give a whole number from 16 to 32');
    await expectIpamError(ipam.updatePool({ pool: 'shared', defaultPrefixLength: 28 }), 'INVALID_PREFIX_LENGTH',
      "defaultPrefixLength: /28 is outside the pool's allowed sizes /20 to /26; give a default inside them");
    await expectIpamError(ipam.updatePool({ pool: 'shared', policy: { quotas: [{ name: 'q', creators: '*' }] } }), 'INVALID_INPUT',
      'quotas[0]: quota "q" limits nothing; give maxAddresses, maxBlocks or both');
    expect((await ipam.getPool({ pool: 'shared' })).policy?.minPrefixLength).to.equal(20);
  });
});

onEveryBackend('pool quotas', [], (open) => {
  it('a creator over its quota is refused, naming the quota, the usage and the holder; usage is shown with the pool', async () => {
    const { ipam } = await shared(open);
    for (const owner of ['a', 'b', 'c', 'd']) await claim(ipam, owner, 'pulumi:acme/dev');
    await expectIpamError(claim(ipam, 'e', 'pulumi:acme/dev'), 'QUOTA_EXCEEDED',
      'quota "per-stack" of pool "shared" allows pulumi:acme/dev at most 1024 addresses in pool "shared"; it holds 1024 addresses in 4 blocks, and 10.0.4.0/24 would add 256 addresses. ' +
        'Release blocks no longer needed (released blocks count until their grace period ends), ask for a smaller block, or ask whoever manages the pool to raise the quota');
    // Another stack has its own allowance; a token ("ci") is not held by a quota on "pulumi:*".
    expect((await claim(ipam, 'e', 'pulumi:acme/prod')).cidr).to.equal('10.0.4.0/24');
    expect((await claim(ipam, 'f', 'ci', { prefixLength: 20 })).cidr).to.equal('10.0.16.0/20');
    const pool = await ipam.getPool({ pool: 'shared' });
    expect(pool.quotaUsage).to.deep.equal([
      { quota: 'per-stack', pool: 'shared', scope: 'pool', holder: 'pulumi:acme/dev', addresses: '1024', blocks: 4, maxAddresses: '1024' },
      { quota: 'per-stack', pool: 'shared', scope: 'pool', holder: 'pulumi:acme/prod', addresses: '256', blocks: 1, maxAddresses: '1024' },
    ]);
    expect((await ipam.listPools()).find((p) => p.name === 'shared')?.quotaUsage).to.deep.equal(pool.quotaUsage);
  });

  it('released blocks count until their grace period ends; the owner may take its block back at the limit', async () => {
    const { ipam, advance } = await shared(open);
    for (const owner of ['a', 'b', 'c', 'd']) await claim(ipam, owner, 'pulumi:acme/dev');
    await ipam.release({ pool: 'shared', owner: 'a' });
    await expectIpamError(claim(ipam, 'e', 'pulumi:acme/dev'), 'QUOTA_EXCEEDED');
    // Within the grace period the owner gets its block back: its usage does not grow.
    expect((await claim(ipam, 'a', 'pulumi:acme/dev')).cidr).to.equal('10.0.0.0/24');
    await ipam.release({ pool: 'shared', owner: 'a' });
    advance(HOUR + 1);
    expect((await claim(ipam, 'e', 'pulumi:acme/dev')).cidr).to.equal('10.0.4.0/24');
    expect((await ipam.getPool({ pool: 'shared' })).quotaUsage?.[0]).to.include({ holder: 'pulumi:acme/dev', addresses: '1024', blocks: 4 });
  });

  it('block quotas, group quotas (a namespace shares one allowance) and child pools counting as blocks', async () => {
    const { ipam } = await shared(open);
    await ipam.updatePool({
      pool: 'shared',
      policy: { allowedCreators: null, quotas: [{ name: 'team-a', creators: 'k8s:team-a/*', per: 'group', maxBlocks: 2 }] },
    });
    await claim(ipam, 'one', 'k8s:team-a/SubnetPoolClaim/one');
    await ipam.createPool({ name: 'child', parent: 'shared', prefixLength: 24, creator: 'k8s:team-a/SubnetPoolClaim/two', labels: LABELS });
    await expectIpamError(claim(ipam, 'three', 'k8s:team-a/ClientIp/three'), 'QUOTA_EXCEEDED',
      'quota "team-a" of pool "shared" allows the creators matching "k8s:team-a/*" (together; k8s:team-a/ClientIp/three is one) at most 2 blocks in pool "shared"; they hold 512 addresses in 2 blocks, and 10.0.2.0/24 would add 256 addresses. ' +
        'Release blocks no longer needed (released blocks count until their grace period ends), ask for a smaller block, or ask whoever manages the pool to raise the quota');
    expect((await claim(ipam, 'three', 'k8s:team-b/ClientIp/three')).cidr).to.equal('10.0.2.0/24');
    expect((await ipam.getPool({ pool: 'shared' })).quotaUsage).to.deep.equal([
      { quota: 'team-a', pool: 'shared', scope: 'pool', holder: 'k8s:team-a/*', addresses: '512', blocks: 2, maxBlocks: 2 },
    ]);
  });

  it('a space quota counts every pool of the space, and nothing inside a pool the holder carved twice', async () => {
    const { ipam } = await shared(open);
    await ipam.updatePool({ pool: 'shared', policy: null });
    await ipam.createPool({ name: 'other', cidr: '10.1.0.0/16', defaultPrefixLength: 24 });
    await ipam.createPool({
      name: 'root',
      cidr: '10.9.0.0/24',
      policy: { quotas: [{ name: 'per-stack-space', scope: 'space', creators: 'pulumi:*', maxAddresses: '1024' }] },
    });
    await ipam.createPool({ name: 'mine', parent: 'shared', prefixLength: 23, creator: 'pulumi:acme/dev' });
    // Inside its own child pool: already counted with the child's 512 addresses.
    await ipam.allocate({ pool: 'mine', owner: 'inner', prefixLength: 24, creator: 'pulumi:acme/dev' });
    await ipam.allocate({ pool: 'other', owner: 'x', creator: 'pulumi:acme/dev' });
    await ipam.allocate({ pool: 'other', owner: 'y', creator: 'pulumi:acme/dev' });
    await expectIpamError(ipam.allocate({ pool: 'other', owner: 'z', creator: 'pulumi:acme/dev' }), 'QUOTA_EXCEEDED',
      'quota "per-stack-space" of pool "root" allows pulumi:acme/dev at most 1024 addresses in address space "default"; it holds 1024 addresses in 3 blocks, and 10.1.2.0/24 would add 256 addresses. ' +
        'Release blocks no longer needed (released blocks count until their grace period ends), ask for a smaller block, or ask whoever manages the pool to raise the quota');
    expect((await ipam.getPool({ pool: 'other' })).quotaUsage).to.deep.equal([
      { quota: 'per-stack-space', pool: 'root', scope: 'space', holder: 'pulumi:acme/dev', addresses: '1024', blocks: 3, maxAddresses: '1024' },
    ]);
  });

  it('a quota lowered below what a creator holds refuses only what would grow it', async () => {
    const { ipam } = await shared(open);
    await claim(ipam, 'a', 'pulumi:acme/dev');
    await claim(ipam, 'b', 'pulumi:acme/dev');
    await ipam.updatePool({ pool: 'shared', policy: { quotas: [{ name: 'per-stack', creators: 'pulumi:*', maxBlocks: 1 }] } });
    expect((await claim(ipam, 'a', 'pulumi:acme/dev')).cidr).to.equal('10.0.0.0/24');
    await expectIpamError(claim(ipam, 'c', 'pulumi:acme/dev'), 'QUOTA_EXCEEDED');
  });

  it('holds under many concurrent clients on two engines: never exceeded, and every refusal is QUOTA_EXCEEDED', async () => {
    const { ipam, store, clock } = await shared(open);
    await ipam.updatePool({ pool: 'shared', policy: { maxPrefixLength: 28, quotas: [{ name: 'per-stack', creators: 'pulumi:*', maxBlocks: 7 }, { name: 'all', maxAddresses: 20 * 16 }] } });
    const other = Ipam.create(store, { now: clock });
    const stacks = ['pulumi:acme/a', 'pulumi:acme/b', 'pulumi:acme/c', 'pulumi:acme/d'];
    const attempts = stacks.flatMap((creator, s) =>
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? ipam : other).allocate({ pool: 'shared', owner: `${s}-${i}`, creator, prefixLength: 28, labels: LABELS })),
    );
    const results = await Promise.allSettled(attempts);
    const codes = results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as { code: string }).code);
    expect([...new Set(codes)]).to.deep.equal(['QUOTA_EXCEEDED']);
    const held = await ipam.listAllocations({ pool: 'shared' });
    const perStack = stacks.map((c) => held.filter((a) => a.creator === c).length);
    // "all" (per creator, 320 addresses = 20 blocks of /28) never binds: 7 blocks per stack does, exactly.
    expect(perStack).to.deep.equal([7, 7, 7, 7]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(28);
  });
}, { notBesideFill: 'a quota of scope space counts every block of the space, the Pulumi-created blocks of the fill too' });
