import { expect } from 'chai';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { LocalStack, UNKNOWN, UpdateError } from '../support/pulumi/local-stack';
import { programWorkspace } from '../support/pulumi/workspace';
import { failure, summary } from '../support/pulumi/steps';

/**
 * The provider's Pulumi semantics, through Pulumi's dynamic provider host: what `pulumi
 * preview` shows (update versus replace), what `up`, `refresh` and `destroy` do to the backend,
 * and the failure cases a user meets (bad input at preview, a crash between create and
 * checkpoint, a pool still in use).
 */
type Sdk = ReturnType<LocalStack['sdk']>;

describe('Pulumi provider lifecycle (real provider host)', function () {
  this.timeout(120_000);
  let stack: LocalStack;
  let sdk: Sdk;
  let backend: Ipam;

  beforeEach(() => {
    const workspace = programWorkspace();
    stack = new LocalStack(workspace, { project: 'life', stack: 'test', config: { 'ipam:state': join(workspace.dir, 'state.db') } });
    sdk = stack.sdk();
    backend = Ipam.create(new SqliteStore(join(workspace.dir, 'state.db')));
  });
  afterEach(() => backend.close());

  const pool = (extra: Record<string, unknown> = {}) => new sdk.SubnetPool('net', { cidr: '10.0.0.0/16', defaultPrefixLength: 24, ...extra });

  it('preview creates nothing; up creates; a second up and preview change nothing', async () => {
    const program = () => {
      const net = pool();
      const claim = new sdk.SubnetPoolClaim('web', { pool: net.name });
      return { cidr: claim.cidr };
    };
    const preview = await stack.preview(program);
    expect(summary(preview.steps)).to.deep.equal(['create net', 'create web']);
    expect(preview.outputs.cidr).to.equal(UNKNOWN);
    expect(await backend.listPools()).to.deep.equal([]);

    expect((await stack.up(program)).outputs.cidr).to.equal('10.0.0.0/24');
    expect(summary((await stack.up(program)).steps)).to.deep.equal(['same net', 'same web']);
    expect(summary((await stack.preview(program)).steps)).to.deep.equal(['same net', 'same web']);
  });

  it('mutable fields update in place; identity fields replace, deleting first when old and new would collide', async () => {
    await stack.up(() => {
      const net = pool({ description: 'v1' });
      new sdk.SubnetPoolClaim('web', { pool: net.name });
    });
    const updated = await stack.up(() => {
      const net = pool({ description: 'v2', strategy: 'best-fit' });
      new sdk.SubnetPoolClaim('web', { pool: net.name, preferredCidr: '10.0.9.0/24' });
    });
    expect(summary(updated.steps)).to.deep.equal(['update net', 'update web']);
    expect((await backend.getPool({ pool: 'net' })).strategy).to.equal('best-fit');

    const previewed = await stack.preview(() => {
      const net = pool({ description: 'v2', strategy: 'best-fit' });
      new sdk.SubnetPoolClaim('web', { pool: net.name, prefixLength: 26 });
    });
    // Same owner key for old and new claim: the old one must be released first.
    expect(summary(previewed.steps)).to.deep.equal(['replace web [prefixLength] delete-first', 'same net']);

    const replaced = await stack.up(() => {
      const net = pool({ description: 'v2', strategy: 'best-fit' });
      return { cidr: new sdk.SubnetPoolClaim('web', { pool: net.name, prefixLength: 26 }).cidr };
    });
    expect(summary(replaced.steps)).to.deep.equal(['replace web [prefixLength] delete-first', 'same net']);
    expect(replaced.outputs.cidr).to.equal('10.0.0.0/26');
    const allocations = await backend.listAllocations({ pool: 'net' });
    expect(allocations.map((a) => `${a.cidr} ${a.status}`)).to.deep.equal(['10.0.0.0/26 allocated']);
  });

  it('a pool whose CIDR changes is replaced, deleting first; claims that take its name from it are replaced with it', async () => {
    await stack.up(() => {
      pool();
    });
    const replaced = await stack.up(() => {
      pool({ cidr: '10.1.0.0/16' });
    });
    expect(summary(replaced.steps)).to.deep.equal(['replace net [cidr] delete-first']);
    expect((await backend.getPool({ pool: 'net' })).cidr).to.equal('10.1.0.0/16');

    const withClaim = (cidr: string) => () => {
      const net = pool({ cidr });
      return { web: new sdk.SubnetPoolClaim('web', { pool: net.name }).cidr };
    };
    await stack.up(withClaim('10.1.0.0/16'));
    // As the engine does: web's pool comes from net, so its Diff with that input unknown says
    // replace, and web is deleted before net, then both are created again.
    const preview = await stack.preview(withClaim('10.2.0.0/16'));
    expect(summary(preview.steps)).to.deep.equal(['replace net [cidr] delete-first', 'replace web [pool] delete-first']);
    const up = await stack.up(withClaim('10.2.0.0/16'));
    expect(summary(up.steps)).to.deep.equal(['replace net [cidr] delete-first', 'replace web [pool] delete-first']);
    expect(up.outputs.web).to.equal('10.2.0.0/24');
    expect((await backend.listAllocations({ pool: 'net' })).map((a) => a.cidr)).to.deep.equal(['10.2.0.0/24']);
  });

  it('claims that name their pool by a plain string (dependsOn only orders them) block replacing the pool while they hold blocks', async () => {
    const program = (cidr: string) => () => {
      const net = pool({ cidr });
      new sdk.SubnetPoolClaim('web', { pool: 'net' }, { dependsOn: [net] });
      new sdk.SubnetPoolClaim('raw', { pool: 'net', cidr: cidr.replace('.0.0/16', '.9.0/24') }, { dependsOn: [net] });
    };
    await stack.up(program('10.1.0.0/16'));
    const refused = await failure(stack.up(program('10.2.0.0/16')));
    expect(refused).to.contain('POOL_IN_USE: pool "net" still has 2 live allocation(s)');
    expect(refused).to.contain('"life/test/raw" (10.1.9.0/24)');
    expect((await backend.getPool({ pool: 'net' })).cidr).to.equal('10.1.0.0/16');
  });

  it('tolerates values unknown at preview, and replaces a claim whose pool may change', async () => {
    const preview = await stack.preview(() => {
      const net = pool();
      // The pool name is an output of a resource not yet created: unknown at preview.
      const child = new sdk.SubnetPoolClaim('team', { pool: net.name, asPool: true, prefixLength: 20 });
      new sdk.ClientIp('vm', { pool: child.boundPoolName.apply((n) => n!), clientId: 'vm-1' });
    });
    expect(summary(preview.steps)).to.deep.equal(['create net', 'create team', 'create vm']);

    await stack.up(() => {
      const net = pool();
      new sdk.SubnetPoolClaim('web', { pool: net.name });
    });
    const moved = await stack.preview(() => {
      const other = new sdk.SubnetPool('other', { cidr: '10.9.0.0/16', defaultPrefixLength: 24 });
      pool();
      new sdk.SubnetPoolClaim('web', { pool: other.name });
    });
    expect(summary(moved.steps)).to.deep.equal(['create other', 'replace web [pool]', 'same net']);
  });

  it('fails at preview, with the engine\'s messages, on input that can never work', async () => {
    const cases: [() => void, string][] = [
      [() => new sdk.SubnetPool('bad', { cidr: '10.1.2.3/16' }), 'cidr: "10.1.2.3/16" has host bits set; the network is 10.1.0.0/16'],
      [() => new sdk.SubnetPool('bad', { cidr: '10.0.0.0/24', reserved: ['10.9.0.0/30'] }), 'reserved[0]: 10.9.0.0/30 is outside the pool 10.0.0.0/24'],
      [() => new sdk.SubnetPoolClaim('bad', { pool: 'net', cidr: '10.0.0.0/24', prefixLength: 25 }), 'prefixLength: /25 does not match cidr 10.0.0.0/24; give one or make them agree'],
      [() => new sdk.SliceIpam('bad', { sliceSubnet: '8.8.8.0/24', subnetSize: 28, clusters: [] }), 'sliceSubnet: slice subnet must be from private IP ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) (got 8.8.8.0/24)'],
      [() => new sdk.SliceIpam('bad', { sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: ['a', 'a'] }), 'clusters[1]: duplicate cluster name in allocations: "a" is listed twice'],
      [() => new sdk.ClientIp('bad', { pool: 'net', clientId: 'x', address: '10.0.0' }), 'address: "10.0.0" is not an IPv4 or IPv6 address; write it like 10.0.0.5 or 2001:db8::5'],
    ];
    for (const [program, message] of cases) {
      const error = await stack.preview(program).then(() => undefined, (e: Error) => e);
      expect(error, message).to.be.instanceOf(UpdateError);
      expect(error!.message).to.contain(message);
    }
    expect(await backend.listPools()).to.deep.equal([]);
  });

  it('refresh reports drift: a claim released behind Pulumi\'s back leaves the state, and up brings it back to its block', async () => {
    const program = () => {
      const net = pool();
      return { cidr: new sdk.SubnetPoolClaim('web', { pool: net.name }).cidr, other: new sdk.SubnetPoolClaim('api', { pool: net.name, cidr: '10.0.5.0/24' }).cidr };
    };
    await stack.up(program);
    await backend.release({ pool: 'net', owner: 'life/test/web' });
    const refreshed = await stack.refresh();
    expect(summary(refreshed)).to.deep.equal(['delete web', 'refresh api', 'refresh net']);
    const again = await stack.up(program);
    expect(summary(again.steps)).to.deep.equal(['create web', 'same api', 'same net']);
    expect(again.outputs.cidr).to.equal('10.0.0.0/24');
  });

  it('a create retried after a crash (the block granted, the state never saved) gets the same block: nothing leaks', async () => {
    const program = () => ({ cidr: new sdk.SubnetPoolClaim('web', { pool: pool().name }).cidr });
    const first = await stack.up(program);
    // What Pulumi has after a crash between the provider's Create and the checkpoint: no record.
    stack.resources = stack.resources.filter((r) => r.name !== 'web');
    const retried = await stack.up(program);
    expect(summary(retried.steps)).to.deep.equal(['create web', 'same net']);
    expect(retried.outputs.cidr).to.equal(first.outputs.cidr);
    expect((await backend.listAllocations({ pool: 'net' })).length).to.equal(1);
  });

  it('50 claims created in parallel get 50 distinct blocks', async () => {
    const up = await stack.up(() => {
      const net = pool({ defaultPrefixLength: 26 });
      const claims = Array.from({ length: 50 }, (_, i) => new sdk.SubnetPoolClaim(`c${i}`, { pool: net.name }));
      return Object.fromEntries(claims.map((c, i) => [`c${i}`, c.cidr]));
    });
    const cidrs = Object.values(up.outputs);
    expect(cidrs).to.have.length(50);
    expect(new Set(cidrs).size).to.equal(50);
    expect((await backend.check({ pool: 'net' })).issues).to.deep.equal([]);
  });

  it('adopts a block allocated elsewhere by its owner key (import does not work for dynamic providers)', async () => {
    await stack.up(() => {
      pool();
    });
    const legacy = await backend.allocate({ pool: 'net', owner: 'legacy-web', cidr: '10.0.42.0/24' });
    const adopted = await stack.up(() => {
      const net = pool();
      return { cidr: new sdk.SubnetPoolClaim('web', { pool: net.name, owner: 'legacy-web' }).cidr };
    });
    expect(adopted.outputs.cidr).to.equal('10.0.42.0/24');
    const after = await backend.getAllocation({ pool: 'net', owner: 'legacy-web' });
    expect(after!.allocatedAt).to.equal(legacy.allocatedAt);
    // The block is shared with whoever allocated it: the claim's delete leaves it to them.
    await stack.up(() => {
      pool();
    });
    expect((await backend.getAllocation({ pool: 'net', owner: 'legacy-web' }))!.status).to.equal('allocated');
  });

  it('a claim with asPool becomes a child pool that other resources allocate from', async () => {
    const up = await stack.up(() => {
      const net = pool();
      const team = new sdk.SubnetPoolClaim('team', { pool: net.name, asPool: true, prefixLength: 20 });
      const vm = new sdk.ClientIp('vm', { pool: team.boundPoolName.apply((n) => n!), clientId: 'vm-1' });
      return { team: team.cidr, bound: team.boundPoolName, vm: vm.ip };
    });
    expect(up.outputs).to.deep.equal({ team: '10.0.0.0/20', bound: 'team', vm: '10.0.0.1' });
    expect((await backend.getPool({ pool: 'team' })).parent).to.equal('net');
    await stack.destroy();
    expect(await backend.listPools()).to.deep.equal([]);
  });

  it('shows no diff when only the serialized provider changed (a pulumi-ipam upgrade)', async () => {
    const program = () => {
      new sdk.SubnetPoolClaim('web', { pool: pool().name });
    };
    await stack.up(program);
    for (const r of stack.resources) {
      r.inputs.__provider = 'exports.handler = () => ({ /* an older pulumi-ipam */ });';
      r.outputs.__provider = r.inputs.__provider;
    }
    expect(summary((await stack.preview(program)).steps)).to.deep.equal(['same net', 'same web']);
  });

  it('keeps the backend token out of the state', async () => {
    stack.options.config = { ...stack.options.config, 'ipam:token': 'never-store-me' };
    await stack.up(() => {
      pool();
    });
    expect(JSON.stringify(stack.resources)).to.not.contain('never-store-me');
  });

  it('destroy releases every allocation and deletes the pools', async () => {
    await stack.up(() => {
      const net = pool({ gateway: true });
      new sdk.SubnetPoolClaim('web', { pool: net.name });
      new sdk.ClientIp('laptop', { pool: net.name, clientId: 'laptop' });
      new sdk.SliceIpam('blue', { namespace: 'ks', sliceSubnet: '10.2.0.0/16', subnetSize: 24, clusters: ['w1'] });
    });
    const steps = await stack.destroy();
    expect(summary(steps)).to.deep.equal(['delete blue', 'delete laptop', 'delete net', 'delete web']);
    expect(await backend.listPools()).to.deep.equal([]);
  });
});
