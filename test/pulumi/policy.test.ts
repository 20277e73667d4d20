import { expect } from 'chai';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { LocalStack } from '../support/pulumi/local-stack';
import { failure, summary } from '../support/pulumi/steps';
import { programWorkspace } from '../support/pulumi/workspace';

/**
 * Pool policy through Pulumi's dynamic provider host: a claim chosen by labels ({zone: "a"}),
 * what preview shows when the selector changes, and the refusals of a pool's rules and quotas
 * as `pulumi preview` and `pulumi up` report them.
 */
type Sdk = ReturnType<LocalStack['sdk']>;

describe('Pulumi: pools chosen by labels, allocation rules and quotas (real provider host)', function () {
  this.timeout(120_000);
  const engines: Ipam[] = [];
  afterEach(() => Promise.all(engines.splice(0).map((engine) => engine.close())));

  /** A new stack net/dev on a state file of its own, and an engine over that file to look at what it did. */
  function freshStack() {
    const workspace = programWorkspace();
    const state = join(workspace.dir, 'state.db');
    const stack = new LocalStack(workspace, { project: 'net', stack: 'dev', config: { 'ipam:state': state } });
    const backend = Ipam.create(new SqliteStore(state));
    engines.push(backend);
    return { stack, sdk: stack.sdk(), backend };
  }

  // The claims select by labels, so nothing orders them after the pools: the pools exist first.
  const zones = (sdk: Sdk) => {
    new sdk.SubnetPool('zone-a', { cidr: '10.1.0.0/16', defaultPrefixLength: 24, labels: { zone: 'a' } });
    new sdk.SubnetPool('zone-b', { cidr: '10.2.0.0/16', defaultPrefixLength: 24, labels: { zone: 'b' } });
  };

  it('a claim by {zone: "a"} gets a block of the zone-a pool; the same selector written as text is no change; another selector replaces', async () => {
    const { stack, sdk, backend } = freshStack();
    await stack.up(() => zones(sdk));
    const program = (poolSelector: string | Record<string, string>) => () => {
      zones(sdk);
      const vm = new sdk.SubnetPoolClaim('vm', { poolSelector });
      const peer = new sdk.ClientIp('peer', { poolSelector, clientId: 'peer-1' });
      return { pool: vm.pool, cidr: vm.cidr, peerPool: peer.pool, ip: peer.ip };
    };
    const up = await stack.up(program({ zone: 'a' }));
    expect(up.outputs).to.deep.equal({ pool: 'zone-a', cidr: '10.1.0.0/24', peerPool: 'zone-a', ip: '10.1.1.0' });
    expect(summary((await stack.preview(program('zone=a'))).steps)).to.deep.equal(['same peer', 'same vm', 'same zone-a', 'same zone-b']);
    // A refresh keeps the chosen pool, even when another pool would now be chosen first.
    await backend.updatePool({ pool: 'zone-b', labels: { zone: 'a', priority: '9' } });
    expect(summary(await stack.refresh())).to.include('refresh vm');
    expect(summary((await stack.preview(program({ zone: 'a' }))).steps)).to.deep.equal(['same peer', 'same vm', 'update zone-b', 'same zone-a'].sort());
    const moved = await stack.preview(program({ zone: 'b' }));
    expect(summary(moved.steps)).to.include.members(['replace vm [poolSelector] delete-first', 'replace peer [poolSelector] delete-first']);
    await backend.updatePool({ pool: 'zone-b', labels: { zone: 'b' } });
    const replaced = await stack.up(program({ zone: 'b' }));
    expect([replaced.outputs.pool, replaced.outputs.cidr]).to.deep.equal(['zone-b', '10.2.0.0/24']);
  });

  it('fails at preview on a policy or a selector that can never work, with the engine\'s messages', async () => {
    const { stack, sdk, backend } = freshStack();
    const cases: [() => void, string][] = [
      [() => new sdk.SubnetPool('bad', { cidr: '10.0.0.0/16', minPrefixLength: 26, maxPrefixLength: 24 }), 'minPrefixLength: /26 is longer than maxPrefixLength /24; the minimum is the largest block, so give a number no greater than 24'],
      [() => new sdk.SubnetPool('bad', { cidr: '10.0.0.0/16', minPrefixLength: 12 }), 'minPrefixLength: 12 is not a prefix length for this pool; give a whole number from 16 to 32'],
      [() => new sdk.SubnetPool('bad', { cidr: '10.0.0.0/16', quotas: [{ name: 'q' }] }), 'quotas[0]: quota "q" limits nothing; give maxAddresses, maxBlocks or both'],
      [() => new sdk.SubnetPoolClaim('bad', { poolSelector: 'zone in ()' }), 'poolSelector: In on label "zone" needs at least one value'],
      [() => new sdk.SubnetPoolClaim('bad', { pool: 'net', poolSelector: { zone: 'a' } }), 'poolSelector: give either pool or poolSelector, not both'],
      [() => new sdk.SubnetPoolClaim('bad', {}), 'pool: required; give the pool to claim from, or poolSelector to choose one by its labels'],
      [() => new sdk.ClientIp('bad', { clientId: 'x', poolSelector: {} }), 'poolSelector: the selector is empty and would match every pool'],
    ];
    for (const [program, message] of cases) expect(await failure(stack.preview(program)), message).to.contain(message);
    expect(await backend.listPools()).to.deep.equal([]);
  });

  it('a claim over the pool\'s maximum size, a stack over its quota, and a claim lacking a required label are refused with errors a person can act on', async () => {
    const { stack, sdk, backend } = freshStack();
    const pool = () =>
      new sdk.SubnetPool('shared', {
        cidr: '10.0.0.0/16',
        defaultPrefixLength: 24,
        minPrefixLength: 20,
        requiredLabels: ['team'],
        quotas: [{ name: 'per-stack', creators: 'pulumi:*', maxBlocks: 1 }],
      });
    await stack.up(() => {
      const shared = pool();
      new sdk.SubnetPoolClaim('web', { pool: shared.name, labels: { team: 'web' } });
    });
    const tooBig = await failure(stack.up(() => {
      const shared = pool();
      new sdk.SubnetPoolClaim('web', { pool: shared.name, labels: { team: 'web' } });
      new sdk.SubnetPoolClaim('big', { pool: shared.name, prefixLength: 16, labels: { team: 'data' } });
    }));
    const overQuota = await failure(stack.up(() => {
      const shared = pool();
      new sdk.SubnetPoolClaim('web', { pool: shared.name, labels: { team: 'web' } });
      new sdk.SubnetPoolClaim('api', { pool: shared.name, labels: { team: 'api' } });
    }));
    const unlabelled = await failure(stack.up(() => {
      const shared = pool();
      new sdk.SubnetPoolClaim('web', { pool: shared.name, labels: { team: 'web' } });
      new sdk.SubnetPoolClaim('db', { pool: shared.name, labels: { tier: 'db' } });
    }));
    expect(tooBig).to.contain('POLICY_PREFIX_LENGTH: prefixLength: a /16 is larger than pool "shared" in address space "default" hands out: its rule minPrefixLength is 20 (blocks /20 to /32); ask for /20 or a longer prefix');
    expect(overQuota).to.contain(
      'QUOTA_EXCEEDED: quota "per-stack" of pool "shared" allows pulumi:net/dev at most 1 block in pool "shared"; it holds 256 addresses in 1 block, and 10.0.1.0/24 would add 256 addresses. ' +
        'Release blocks no longer needed (released blocks count until their grace period ends), ask for a smaller block, or ask whoever manages the pool to raise the quota',
    );
    expect(unlabelled).to.contain(
      'POLICY_LABEL_MISSING: labels: pool "shared" in address space "default" requires "team" on every claim (its rule requiredLabels), and this claim lacks label "team"; add the label to the claim\'s labels',
    );
    // The closing note of this change shows the three errors as a person sees them.
    if (process.env.IPAM_SHOW_POLICY_ERRORS) process.stdout.write(`${[tooBig, overQuota, unlabelled].join('\n---\n')}\n`);
    expect((await backend.listAllocations({ pool: 'shared' })).map((a) => a.owner)).to.deep.equal(['net/dev/web']);
    expect((await backend.getPool({ pool: 'shared' })).quotaUsage).to.deep.equal([
      { quota: 'per-stack', pool: 'shared', scope: 'pool', holder: 'pulumi:net/dev', addresses: '256', blocks: 1, maxBlocks: 1 },
    ]);
  });
});
