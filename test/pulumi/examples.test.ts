import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { contains, overlaps, parseCidr } from '../../provider/src/net/cidr';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { EXAMPLES, exampleStack } from '../support/pulumi/examples';
import { StackRegistry, UNKNOWN, UpdateError } from '../support/pulumi/local-stack';
import { programWorkspace } from '../support/pulumi/workspace';

/**
 * Every example in examples/ runs here as `pulumi preview` / `pulumi up` would run it: the
 * program under setMocks, each resource through Pulumi's dynamic provider host and the real
 * embedded SQLite backend, pulumi-ipam installed from its npm pack tarball.
 */
const ops = (steps: { op: string; name: string }[]) => steps.map((s) => `${s.op} ${s.name}`).sort();

function backendOf(dir: string): Ipam {
  return Ipam.create(new SqliteStore(join(dir, '.ipam', 'state.db')));
}

describe('examples (real provider host, embedded SQLite backend)', function () {
  this.timeout(180_000);

  it('covers every example folder (the Pulumi YAML one runs through the provider plugin, test/pulumi/plugin.test.ts)', () => {
    expect(readdirSync(EXAMPLES).sort()).to.deep.equal(['kubeslice', 'multi-stack', 'quickstart', 'vpn-clients', 'yaml']);
  });

  it('quickstart: preview, up, a re-run that changes nothing, destroy', async () => {
    const stack = exampleStack('quickstart');
    const preview = await stack.preview();
    expect(ops(preview.steps)).to.deep.equal(['create alice-laptop', 'create office', 'create printers', 'create servers', 'create vpn']);
    expect(preview.outputs).to.include({ officeCidr: '10.0.0.0/16', serversCidr: UNKNOWN, aliceIp: UNKNOWN });

    const up = await stack.up();
    expect(up.outputs).to.include({ officeCidr: '10.0.0.0/16', vpnGateway: '10.8.0.1', aliceIp: '10.8.0.2/32' });
    // The two claims are created in parallel, as Pulumi does, so either may get the lower block.
    const servers = parseCidr(up.outputs.serversCidr as string);
    const printers = parseCidr(up.outputs.printersCidr as string);
    expect([servers.prefix, printers.prefix]).to.deep.equal([24, 26]);
    expect(overlaps(servers, printers)).to.equal(false);
    for (const c of [servers, printers]) expect(contains(parseCidr('10.0.0.0/16'), c)).to.equal(true);

    const backend = backendOf(stack.workspace.dir);
    const owners = (await backend.listAllocations({ pool: 'office' })).map((a) => a.owner).sort();
    expect(owners).to.deep.equal(['quickstart/dev/printers', 'quickstart/dev/servers']);

    expect(ops((await stack.up()).steps)).to.deep.equal(['same alice-laptop', 'same office', 'same printers', 'same servers', 'same vpn']);
    expect(ops(await stack.destroy())).to.deep.equal(['delete alice-laptop', 'delete office', 'delete printers', 'delete servers', 'delete vpn']);
    expect(await backend.listPools()).to.deep.equal([]);
    await backend.close();
  });

  it('kubeslice: blue and red get their /24s; worker-1 leaves (an update, not a replace) and rejoins to the same subnet', async () => {
    const stack = exampleStack('kubeslice');
    const up = await stack.up();
    expect(up.outputs.blueSubnets).to.deep.equal({ 'worker-1': '10.2.0.0/24', 'worker-2': '10.2.1.0/24' });
    expect(up.outputs.redSubnets).to.deep.equal({ 'worker-1': '10.3.0.0/24', 'worker-2': '10.3.1.0/24' });
    expect([up.outputs.blueAvailable, up.outputs.blueTotal]).to.deep.equal([254, 256]);

    stack.options.config = { ...stack.options.config, 'kubeslice:blueClusters': 'worker-2' };
    const left = await stack.up();
    expect(ops(left.steps)).to.deep.equal(['same red', 'update blue']);
    expect(left.outputs.blueAvailable).to.equal(255);
    const released = (left.outputs.blueAllocations as { clusterName: string; status: string; releasedAt?: string }[])[0];
    expect(released).to.include({ clusterName: 'worker-1', status: 'Released' });
    expect(released.releasedAt).to.be.a('string');

    stack.options.config = { ...stack.options.config, 'kubeslice:blueClusters': 'worker-2,worker-1' };
    const back = await stack.up();
    expect(back.outputs.blueSubnets).to.deep.equal({ 'worker-1': '10.2.0.0/24', 'worker-2': '10.2.1.0/24' });
    expect(back.outputs.blueAvailable).to.equal(254);
  });

  it('vpn-clients: gateway .1, peers from .2; a removed peer\'s address is held, a new peer gets a fresh one', async () => {
    const stack = exampleStack('vpn-clients');
    const up = await stack.up();
    expect(up.outputs.gateway).to.equal('10.0.0.1');
    const first = up.outputs.peerAddresses as Record<string, string>;
    expect(Object.values(first).sort()).to.deep.equal(['10.0.0.2/32', '10.0.0.3/32', '10.0.0.4/32']);
    expect((up.outputs.interfaces as Record<string, string>).alice).to.equal(`Address = ${first.alice.split('/')[0]}/24`);

    stack.options.config = { 'vpn-clients:peers': JSON.stringify(['alice', 'carol', 'dave']) };
    const changed = await stack.up();
    expect(ops(changed.steps)).to.deep.equal(['create peer-dave', 'delete peer-bob', 'same peer-alice', 'same peer-carol', 'same vpn']);
    const second = changed.outputs.peerAddresses as Record<string, string>;
    expect([second.alice, second.carol]).to.deep.equal([first.alice, first.carol]);
    // bob's address is held for him for the grace period; dave gets fresh space.
    expect(second.dave).to.equal('10.0.0.5/32');
  });

  it('multi-stack: the app stack claims from the network stack\'s pool through a StackReference; the pool cannot go first', async () => {
    const workspace = programWorkspace(join(EXAMPLES, 'multi-stack'));
    const registry = new StackRegistry();
    const network = exampleStack('multi-stack', { workspace, registry, subdir: 'network' });
    const app = exampleStack('multi-stack', { workspace, registry, subdir: 'app' });
    expect((await network.up()).outputs).to.deep.equal({ poolName: 'shared', poolSpace: 'default', poolCidr: '10.20.0.0/16' });
    const appUp = await app.up();
    expect(appUp.outputs).to.deep.equal({ appSubnet: '10.20.0.0/26', appGateway: '10.20.0.1' });

    const error = await network.destroy().then(() => undefined, (e: Error) => e);
    expect(error?.message).to.contain('POOL_IN_USE: pool "shared" still has 1 live allocation(s): "app/dev/app-subnet" (10.20.0.0/26); release them first');
    await app.destroy();
    await network.destroy();
    expect(error).to.not.be.instanceOf(UpdateError);
  });
});
