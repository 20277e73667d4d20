import * as pulumi from '@pulumi/pulumi';
import { expect } from 'chai';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { Ipam } from '../../provider/src/engine/ipam';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { InProcessService, WRITER, startInProcess } from '../support/http-service';
import { LocalStack, LocalStackOptions, Step } from '../support/pulumi/local-stack';
import { programWorkspace } from '../support/pulumi/workspace';

/**
 * Every allocation stays tied to the stack and the backend that made it: the cases where the
 * Pulumi edge used to let two stacks share a block, or let `destroy` report success while
 * nothing was released, each run through Pulumi's provider host as the engine runs them.
 */
type Sdk = ReturnType<LocalStack['sdk']>;

const summary = (steps: Step[]) =>
  steps.map((s) => `${s.op} ${s.name}${s.replaces ? ` [${s.replaces.join(',')}]${s.deleteBeforeReplace ? ' delete-first' : ''}` : ''}`).sort();

/** The catalogue code a Pulumi error message starts with. */
const codeOf = (message: string) => /^[A-Z_]+(?=: )/m.exec(message)?.[0];

async function failure(run: Promise<unknown>): Promise<string> {
  const error = await run.then(() => undefined, (e: Error) => e);
  expect(error, 'expected the run to fail').to.be.instanceOf(Error);
  return (error as Error).message;
}

function stackOn(project: string, config: Record<string, string>, extra: Partial<LocalStackOptions> = {}): LocalStack {
  return new LocalStack(programWorkspace(), { project, stack: 'dev', config, ...extra });
}

describe('Pulumi identity: two stacks on one HTTP service (real provider host)', function () {
  this.timeout(180_000);
  let service: InProcessService;
  let client: HttpIpam;
  let config: Record<string, string>;

  beforeEach(async () => {
    service = await startInProcess(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ipam-identity-')), 'ipam.db')));
    client = new HttpIpam({ server: service.url, token: WRITER.token });
    config = { 'ipam:server': service.url, 'ipam:token': WRITER.token };
  });
  afterEach(async () => {
    await client.close();
    await service.close();
  });

  const shared = (sdk: Sdk, adopt: { pool?: boolean; client?: boolean } = {}) => () => {
    const pool = new sdk.SubnetPool('shared', { cidr: '10.60.0.0/24', adopt: adopt.pool });
    const alice = new sdk.ClientIp('alice', { pool: pool.name, clientId: 'alice', adopt: adopt.client });
    return { ip: alice.ip };
  };

  it('refuses a pool and a client address that another stack created, naming it; adopting shares them, and its destroy leaves them', async () => {
    const a = stackOn('team-a', config);
    const b = stackOn('team-b', config);
    expect((await a.up(shared(a.sdk()))).outputs.ip).to.equal('10.60.0.1');

    expect(await failure(b.up(shared(b.sdk())))).to.contain(
      'CREATOR_MISMATCH: pool "shared" in address space "default" was created by pulumi:team-a/dev, not by pulumi:team-b/dev; ' +
        "choose another name, or set adopt: true to share it (it stays its creator's to change and delete)",
    );
    expect(await failure(b.up(shared(b.sdk(), { pool: true })))).to.contain(
      'CREATOR_MISMATCH: the address of owner "alice" in pool "shared" (10.60.0.1/32) was created by pulumi:team-a/dev, not by pulumi:team-b/dev; ' +
        'choose another clientId, or set adopt: true to share it',
    );
    const adopted = await b.up(shared(b.sdk(), { pool: true, client: true }));
    expect(adopted.outputs.ip).to.equal('10.60.0.1');
    expect(b.resources.find((r) => r.name === 'alice')!.outputs.creator).to.equal('pulumi:team-b/dev');

    expect(summary(await b.destroy())).to.deep.equal(['delete alice', 'delete shared']);
    expect((await client.getAllocation({ pool: 'shared', owner: 'alice' }))!.status).to.equal('allocated');
    expect(summary(await a.refresh())).to.deep.equal(['refresh alice', 'refresh shared']);
    expect(summary((await a.up(shared(a.sdk()))).steps)).to.deep.equal(['same alice', 'same shared']);
    // The creator's own destroy still releases and deletes.
    await a.destroy();
    expect(await client.listPools({ space: 'default' })).to.deep.equal([]);
  });

  it('words a hint as what to change in the program, never as an ipam command, even through the HTTP service', async () => {
    const a = stackOn('team-a', config);
    const said = await failure(a.up(() => ({ ip: new (a.sdk().ClientIp)('alice', { pool: 'nope', clientId: 'alice' }).ip })));
    expect(said).to.contain(
      'POOL_NOT_FOUND: pool: no pool "nope" in address space "default"; check the pool\'s name and its space ("default") in the program; ' +
        "for a pool the program creates, pass its SubnetPool's name output so Pulumi creates it first",
    );
    expect(said).not.to.contain('ipam pool list');
  });

  it("refuses a second stack's slice of the same name, which would release the first one's clusters on every up", async () => {
    const slice = (sdk: Sdk, clusters: string[]) => () => ({
      subnets: new sdk.SliceIpam('blue', { namespace: 'kubeslice', sliceSubnet: '10.2.0.0/16', subnetSize: 24, clusters }).clusterSubnets,
    });
    const a = stackOn('team-a', config);
    const b = stackOn('team-b', config);
    const first = await a.up(slice(a.sdk(), ['worker-1', 'worker-2']));
    expect(first.outputs.subnets).to.deep.equal({ 'worker-1': '10.2.0.0/24', 'worker-2': '10.2.1.0/24' });
    expect(await failure(b.up(slice(b.sdk(), ['worker-3'])))).to.contain(
      'CREATOR_MISMATCH: slice "blue" in namespace "kubeslice" was created by pulumi:team-a/dev, not by pulumi:team-b/dev; ' +
        'only its creator can change it; give the slice another name or namespace',
    );
    const held = await client.getSlice({ namespace: 'kubeslice', name: 'blue' });
    expect(held.allocatedSubnets.map((s) => `${s.clusterName} ${s.status}`)).to.deep.equal(['worker-1 Allocated', 'worker-2 Allocated']);
    expect(held.creator).to.equal('pulumi:team-a/dev');
    expect(summary((await a.up(slice(a.sdk(), ['worker-1', 'worker-2']))).steps)).to.deep.equal(['same blue']);
  });
});

describe('Pulumi identity: owner keys from the URN, kept across renames (real provider host)', function () {
  this.timeout(180_000);
  let stack: LocalStack;
  let sdk: Sdk;
  let backend: Ipam;
  let state: string;

  beforeEach(() => {
    const workspace = programWorkspace();
    state = join(workspace.dir, 'state.db');
    stack = new LocalStack(workspace, { project: 'acme', stack: 'prod', config: { 'ipam:state': state } });
    sdk = stack.sdk();
    backend = Ipam.create(new SqliteStore(state));
  });
  afterEach(() => backend.close());

  it('two components with a child claim named "web" get two blocks: the owner key carries the parent types', async () => {
    const program = () => {
      const net = new sdk.SubnetPool('net', { cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
      class Tier extends pulumi.ComponentResource {
        readonly web: InstanceType<Sdk['SubnetPoolClaim']>;
        constructor(type: string, name: string) {
          super(type, name, {});
          this.web = new sdk.SubnetPoolClaim('web', { pool: net.name }, { parent: this });
          this.registerOutputs({});
        }
      }
      const frontend = new Tier('acme:net:Frontend', 'frontend');
      const backendTier = new Tier('acme:net:Backend', 'backend');
      return { frontend: frontend.web.cidr, backend: backendTier.web.cidr, frontendOwner: frontend.web.owner, backendOwner: backendTier.web.owner };
    };
    const up = await stack.up(program);
    expect(new Set([up.outputs.frontend, up.outputs.backend])).to.deep.equal(new Set(['10.0.0.0/24', '10.0.1.0/24']));
    expect([up.outputs.frontendOwner, up.outputs.backendOwner]).to.deep.equal(['acme/prod/acme:net:Frontend/web', 'acme/prod/acme:net:Backend/web']);
    expect(stack.resources.map((r) => r.urn)).to.include('urn:pulumi:prod::acme::acme:net:Frontend$pulumi-nodejs:dynamic/ipam:SubnetPoolClaim::web');
    expect(summary((await stack.up(program)).steps)).to.deep.equal(['same backend', 'same frontend', 'same net', 'same web', 'same web']);
  });

  it('a claim renamed with an alias, a stack renamed, and a changed ipam:namespace keep every block and change nothing', async () => {
    const program = (claimName: string, aliases?: pulumi.Input<pulumi.Alias>[]) => () => {
      const net = new sdk.SubnetPool('net', { cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
      new sdk.SubnetPoolClaim('api', { pool: net.name });
      const web = new sdk.SubnetPoolClaim(claimName, { pool: net.name }, { aliases });
      return { web: web.cidr, owner: web.owner };
    };
    const first = await stack.up(program('web'));
    expect(first.outputs).to.deep.include({ owner: 'acme/prod/web' });

    const renamed = program('frontend', [{ name: 'web' }]);
    expect(summary((await stack.preview(renamed)).steps)).to.deep.equal(['same api', 'same frontend', 'same net']);
    const up = await stack.up(renamed);
    expect(up.outputs).to.deep.equal(first.outputs);
    expect(stack.resources.map((r) => r.name).sort()).to.deep.equal(['api', 'frontend', 'net']);

    stack.renameStack('production');
    stack.options.config = { ...stack.options.config, 'ipam:namespace': 'team-a' };
    const after = await stack.up(program('frontend'));
    expect(summary(after.steps)).to.deep.equal(['same api', 'same frontend', 'same net']);
    expect(after.outputs).to.deep.equal(first.outputs);
    // The renamed stack is still the creator of what it made: its destroy releases everything.
    await stack.destroy();
    expect(await backend.listPools()).to.deep.equal([]);
  });
});

describe('Pulumi identity: resources stay tied to the backend that holds them (real provider host)', function () {
  this.timeout(180_000);
  let service: InProcessService;
  let client: HttpIpam;

  beforeEach(async () => {
    service = await startInProcess(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ipam-backend-id-')), 'ipam.db')));
    client = new HttpIpam({ server: service.url, token: WRITER.token });
  });
  afterEach(async () => {
    await client.close();
    await service.close();
  });

  const program = (sdk: Sdk) => () => {
    const net = new sdk.SubnetPool('net', { cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
    new sdk.SubnetPoolClaim('web', { pool: net.name });
    new sdk.ClientIp('laptop', { pool: net.name, clientId: 'laptop' });
    new sdk.SliceIpam('blue', { namespace: 'kubeslice', sliceSubnet: '10.2.0.0/16', subnetSize: 24, clusters: ['worker-1'] });
  };

  it('config that does not reach the provider: preview, refresh and destroy fail naming both backends, and nothing is lost', async () => {
    const stack = stackOn('team-a', { 'ipam:server': service.url, 'ipam:token': WRITER.token });
    const sdk = stack.sdk();
    await stack.up(program(sdk));
    const backendId = (await client.backend({})).id;
    expect(stack.resources.filter((r) => r.custom).map((r) => r.outputs.backendId)).to.deep.equal([backendId, backendId, backendId, backendId]);

    // The same state where the ipam:* config is gone: the provider falls back to the embedded file.
    stack.options.config = {};
    const local = join(stack.workspace.dir, '.ipam', 'state.db');
    const mismatch =
      `BACKEND_MISMATCH: pool "net" in address space "default" was created in backend ${backendId}, but the provider is configured for the SQLite file ${local}, ` +
      'whose backend id is ';
    const preview = await failure(stack.preview(program(sdk)));
    expect(codeOf(preview)).to.equal('BACKEND_MISMATCH');
    expect(preview).to.contain(mismatch);
    expect(await failure(stack.refresh())).to.contain('BACKEND_MISMATCH: ');
    expect(await failure(stack.destroy())).to.contain('BACKEND_MISMATCH: ');
    expect(stack.resources).to.have.length(4);
    expect((await client.getAllocation({ pool: 'net', owner: 'laptop' }))!.status).to.equal('allocated');
    expect((await client.getSlice({ namespace: 'kubeslice', name: 'blue' })).allocatedSubnets).to.have.length(1);

    // A Pulumi CLI older than 3.139 gives the config only through PULUMI_CONFIG: that is used.
    stack.options.config = { 'ipam:server': service.url, 'ipam:token': WRITER.token };
    stack.options.configVia = 'environment';
    expect(summary(await stack.refresh())).to.deep.equal(['refresh blue', 'refresh laptop', 'refresh net', 'refresh web']);
    await stack.destroy();
    expect(await client.listPools({})).to.deep.equal([]);
  });

  it('the embedded file: a copy keeps its backend id and serves the stack; another file is refused', async () => {
    const stack = stackOn('laptop', {});
    const sdk = stack.sdk();
    const original = join(stack.workspace.dir, 'state.db');
    stack.options.config = { 'ipam:state': original };
    await stack.up(program(sdk));
    // A copy as a backup tool makes it: the file with its write-ahead log, which the provider
    // host (ended, not closed, as the engine ends it) leaves beside it.
    const copy = join(stack.workspace.dir, 'copy.db');
    copyFileSync(original, copy);
    if (existsSync(`${original}-wal`)) copyFileSync(`${original}-wal`, `${copy}-wal`);
    stack.options.config = { 'ipam:state': join(stack.workspace.dir, 'elsewhere.db') };
    expect(await failure(stack.refresh())).to.contain(`but the provider is configured for the SQLite file ${join(stack.workspace.dir, 'elsewhere.db')}`);
    stack.options.config = { 'ipam:state': copy };
    expect(summary(await stack.refresh())).to.deep.equal(['refresh blue', 'refresh laptop', 'refresh net', 'refresh web']);
    expect(summary((await stack.up(program(sdk))).steps)).to.deep.equal(['same blue', 'same laptop', 'same net', 'same web']);
  });
});
