import * as pulumi from '@pulumi/pulumi';
import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamApi } from '../../provider/src/model/api';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { InProcessService, WRITER, startInProcess } from '../support/http-service';
import { EXAMPLES, exampleStack } from '../support/pulumi/examples';
import { LocalStack, Step, UNKNOWN } from '../support/pulumi/local-stack';
import { ProviderHost } from '../support/pulumi/provider-host';
import { programWorkspace } from '../support/pulumi/workspace';

/**
 * The provider plugin pulumi-resource-ipam, driven as the Pulumi engine drives a plugin: started
 * from the installed package with the engine's address, its port read from stdout, then
 * pulumirpc.ResourceProvider over gRPC (GetPluginInfo, GetSchema, CheckConfig, Configure, then
 * Check/Diff/Create/Read/Update/Delete with the resources' URNs). The YAML example runs through
 * it on the embedded file and on the HTTP service; an allocation made with the ipam command, and
 * a stack's dynamic resources, are imported by ID without moving a block.
 */
const summary = (steps: Step[]) =>
  steps.map((s) => `${s.op} ${s.name}${s.replaces ? ` [${s.replaces.join(',')}]${s.deleteBeforeReplace ? ' delete-first' : ''}` : ''}`).sort();

const pluginOf = (dir: string) => join(dir, 'node_modules', 'pulumi-ipam', 'dist', 'provider', 'src', 'plugin', 'main.js');

/** The YAML example in a fresh workspace, served by the plugin installed there. */
function yamlStack(config: Record<string, string>): { stack: LocalStack; program: { yaml: string }; dir: string } {
  const workspace = programWorkspace(join(EXAMPLES, 'yaml'));
  const stack = new LocalStack(workspace, { project: 'ipam-yaml', stack: 'dev', config, plugin: pluginOf(workspace.dir) });
  return { stack, program: { yaml: join(workspace.dir, 'Pulumi.yaml') }, dir: workspace.dir };
}

/** The YAML program with one line changed (a resource's property), as a person edits it. */
function edited(program: { yaml: string }, from: string, to: string): { yaml: string } {
  const text = readFileSync(program.yaml, 'utf8');
  expect(text).to.contain(from);
  const file = join(mkdtempSync(join(tmpdir(), 'ipam-yaml-edit-')), 'Pulumi.yaml');
  writeFileSync(file, text.replace(from, to));
  return { yaml: file };
}

describe('provider plugin pulumi-resource-ipam: the protocol (gRPC, as the engine speaks it)', function () {
  this.timeout(60_000);
  let host: ProviderHost;
  let dir: string;

  before(async () => {
    dir = programWorkspace().dir;
    host = await ProviderHost.startPlugin(pluginOf(dir), dir);
  });
  after(() => host.stop());

  it('answers GetPluginInfo with the package version and GetSchema with schema.json', async () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'pulumi-ipam', 'package.json'), 'utf8')) as { version: string };
    expect(await host.getPluginInfo()).to.equal(pkg.version);
    const schema = JSON.parse(await host.getSchema());
    expect(schema).to.deep.equal(JSON.parse(readFileSync(join(dir, 'node_modules', 'pulumi-ipam', 'schema.json'), 'utf8')));
    expect(Object.keys(schema.resources).sort()).to.deep.equal(['ipam:index:ClientIp', 'ipam:index:SliceIpam', 'ipam:index:SubnetPool', 'ipam:index:SubnetPoolClaim']);
  });

  it('CheckConfig keeps a secret token wrapped as the engine sent it, and names keys and values it cannot take', async () => {
    const urn = 'urn:pulumi:dev::p::pulumi:providers:ipam::default';
    const secret = { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value: 'w-0123456789abcdef' };
    const ok = await host.checkConfig(urn, {}, { server: 'http://127.0.0.1:1', token: secret, version: '0.1.0' });
    expect(ok).to.deep.equal({ inputs: { server: 'http://127.0.0.1:1', token: secret, version: '0.1.0' }, failures: [] });
    const bad = await host.checkConfig(urn, {}, { sever: 'x', server: 'http://a', kubeconfig: '/k', namespace: 'Team_A' });
    expect(bad.failures).to.deep.equal([
      { property: 'sever', reason: 'INVALID_INPUT: sever: not a setting of the ipam provider; settings are state, sqliteSync, server, token, kubeconfig, kubeContext, namespace, backend' },
    ]);
    const conflicting = await host.checkConfig(urn, {}, { server: 'http://a', kubeconfig: '/k', namespace: 'Team_A' });
    expect(conflicting.failures.map((f) => f.property)).to.deep.equal(['server', 'namespace']);
    const diff = await host.diffConfig(urn, { server: 'http://a' }, { server: 'http://b' });
    expect(diff).to.deep.include({ changes: 'some', replaces: [], diffs: ['server'] });
  });

  it('Check with a child URN derives the owner key; Diff answers a detailed diff that says what replaces', async () => {
    await host.configure({ state: join(dir, 'state.db') });
    const urn = 'urn:pulumi:prod::acme::acme:net:Frontend$ipam:index:SubnetPoolClaim::web';
    const checked = await host.check(urn, {}, { pool: 'net', prefixLength: 24 });
    expect(checked).to.deep.equal({ failures: [], inputs: { pool: 'net', prefixLength: 24, space: 'default', owner: 'acme/prod/acme:net:Frontend/web', creator: 'pulumi:acme/prod' } });
    const diff = await host.diff(urn, 'default/net/acme/prod/acme:net:Frontend/web', checked.inputs, { ...checked.inputs, prefixLength: 26, preferredCidr: '10.0.9.0/24' });
    expect(diff).to.deep.equal({ changes: 'some', replaces: ['prefixLength'], deleteBeforeReplace: true, detailed: { prefixLength: 'update-replace', preferredCidr: 'update' } });
  });
});

for (const backend of ['embedded SQLite file', 'HTTP service'] as const) {
  describe(`provider plugin: the YAML example on the ${backend}`, function () {
    this.timeout(180_000);
    let service: InProcessService | undefined;
    let api: IpamApi;
    let stack: LocalStack;
    let program: { yaml: string };

    beforeEach(async () => {
      if (backend === 'HTTP service') {
        service = await startInProcess(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ipam-plugin-')), 'ipam.db')));
        ({ stack, program } = yamlStack({ 'ipam:server': service.url, 'ipam:token': WRITER.token }));
        api = new HttpIpam({ server: service.url, token: WRITER.token });
      } else {
        const made = yamlStack({});
        ({ stack, program } = made);
        api = Ipam.create(new SqliteStore(join(made.dir, '.ipam', 'state.db')));
      }
    });
    afterEach(async () => {
      await api.close();
      await service?.close();
    });

    it('preview, up, a change that replaces, refresh, destroy', async () => {
      const preview = await stack.preview(program);
      expect(summary(preview.steps)).to.deep.equal(['create alice-laptop', 'create office', 'create printers', 'create servers', 'create vpn']);
      expect(preview.outputs).to.deep.equal({ officeCidr: '10.0.0.0/16', serversCidr: UNKNOWN, printersCidr: UNKNOWN, vpnGateway: UNKNOWN, aliceIp: UNKNOWN });

      const up = await stack.up(program);
      expect(up.outputs).to.deep.equal({ officeCidr: '10.0.0.0/16', serversCidr: '10.0.0.0/24', printersCidr: '10.0.1.0/26', vpnGateway: '10.8.0.1', aliceIp: '10.8.0.2/32' });
      expect(stack.resources.find((r) => r.name === 'servers')!.outputs).to.deep.include({ owner: 'ipam-yaml/dev/servers', creator: 'pulumi:ipam-yaml/dev' });
      expect(summary((await stack.up(program)).steps)).to.deep.equal(['same alice-laptop', 'same office', 'same printers', 'same servers', 'same vpn']);

      const smaller = edited(program, 'prefixLength: 26', 'prefixLength: 27');
      const replaced = await stack.up(smaller);
      expect(summary(replaced.steps)).to.deep.equal(['replace printers [prefixLength] delete-first', 'same alice-laptop', 'same office', 'same servers', 'same vpn']);
      expect(replaced.outputs.printersCidr).to.equal('10.0.1.0/27');

      await api.release({ pool: 'office', owner: 'ipam-yaml/dev/servers' });
      expect(summary(await stack.refresh())).to.deep.equal(['delete servers', 'refresh alice-laptop', 'refresh office', 'refresh printers', 'refresh vpn']);

      await stack.destroy();
      expect(await api.listPools({ space: 'default' })).to.deep.equal([]);
    });

    it('imports an allocation made with the ipam command by its ID; the program then changes nothing', async () => {
      await stack.up(program);
      const legacy = await api.allocate({ pool: 'office', owner: 'legacy-web', cidr: '10.0.42.0/24' });
      const imported = await stack.importResource('ipam:index:SubnetPoolClaim', 'web', 'default/office/legacy-web');
      expect(imported.id).to.equal('default/office/legacy-web');
      expect(imported.inputs).to.deep.equal({ pool: 'office', space: 'default', owner: 'legacy-web', cidr: '10.0.42.0/24', prefixLength: 24, creator: legacy.creator });
      expect(imported.outputs).to.deep.include({ cidr: '10.0.42.0/24', phase: 'Bound' });

      const declared = edited(program, '  vpn:\n', '  web:\n    type: ipam:index:SubnetPoolClaim\n    properties:\n      pool: ${office.name}\n      owner: legacy-web\n  vpn:\n');
      expect(summary((await stack.up(declared)).steps)).to.deep.equal(['same alice-laptop', 'same office', 'same printers', 'same servers', 'same vpn', 'same web']);
      expect((await api.getAllocation({ pool: 'office', owner: 'legacy-web' }))!.allocatedAt).to.equal(legacy.allocatedAt);
      // Imported, the claim acts for the allocation's creator: the stack's destroy releases it.
      await stack.destroy();
      expect(await api.listPools({ space: 'default' })).to.deep.equal([]);
    });
  });
}

describe('provider plugin: a TypeScript program on the plugin (resources registered as a generated SDK registers them)', function () {
  this.timeout(180_000);

  it('runs the quickstart, with 30 claims created in parallel, and destroys it', async () => {
    const workspace = programWorkspace();
    const stack = new LocalStack(workspace, { project: 'quickstart', stack: 'dev', config: {}, plugin: pluginOf(workspace.dir) });
    // What `pulumi package gen-sdk --language nodejs` generates: CustomResources of the package's tokens.
    class Generated extends pulumi.CustomResource {}
    const resource = (kind: string, name: string, props: Record<string, unknown>) => {
      const outputs = ['name', 'cidr', 'gatewayAddress', 'ip', 'owner'];
      return new Generated(`ipam:index:${kind}`, name, { ...Object.fromEntries(outputs.map((o) => [o, undefined])), ...props }) as Generated & Record<string, pulumi.Output<string>>;
    };
    const program = () => {
      const office = resource('SubnetPool', 'office', { cidr: '10.0.0.0/16', defaultPrefixLength: 24, description: 'office network' });
      const servers = resource('SubnetPoolClaim', 'servers', { pool: office.name });
      const vpn = resource('SubnetPool', 'vpn', { cidr: '10.8.0.0/24', gateway: true });
      const alice = resource('ClientIp', 'alice-laptop', { pool: vpn.name, clientId: 'alice-laptop' });
      const racks = Array.from({ length: 30 }, (_, i) => resource('SubnetPoolClaim', `rack-${i}`, { pool: office.name, prefixLength: 28 }));
      return { serversCidr: servers.cidr, vpnGateway: vpn.gatewayAddress, aliceIp: alice.cidr, racks: pulumi.all(racks.map((r) => r.cidr)) };
    };
    const up = await stack.up(program);
    expect(up.outputs).to.deep.include({ serversCidr: '10.0.0.0/24', vpnGateway: '10.8.0.1', aliceIp: '10.8.0.2/32' });
    const racks = up.outputs.racks as string[];
    expect(new Set(racks).size).to.equal(30);
    expect(stack.resources.find((r) => r.name === 'rack-7')!.outputs.owner).to.equal('quickstart/dev/rack-7');
    expect(summary((await stack.up(program)).steps).filter((s) => !s.startsWith('same'))).to.deep.equal([]);
    await stack.destroy();
    const api = Ipam.create(new SqliteStore(join(workspace.dir, '.ipam', 'state.db')));
    expect(await api.listPools()).to.deep.equal([]);
    await api.close();
  });
});

describe('provider plugin: moving a stack from the dynamic resources', function () {
  this.timeout(180_000);

  it('imports every resource of the quickstart by the ID the dynamic resource had: no block moves, and destroy releases them', async () => {
    const dynamic = exampleStack('quickstart');
    const up = await dynamic.up();
    const dir = dynamic.workspace.dir;
    const api = Ipam.create(new SqliteStore(join(dir, '.ipam', 'state.db')));
    const before = (await api.listPools()).map((p) => [p.name, p.cidr, p.stats.allocated]);

    // The same state file, a plugin stack (in Pulumi: `pulumi state delete` of the dynamic
    // resources, then `pulumi import ipam:index:<Kind> <name> <id>` for each).
    const plugin = new LocalStack(dynamic.workspace, { project: 'quickstart', stack: 'dev', config: {}, plugin: pluginOf(dir) });
    const ids = dynamic.resources.map((r) => [r.type.replace('pulumi-nodejs:dynamic/ipam:', 'ipam:index:'), r.name, r.id]);
    for (const [type, name, id] of ids) await plugin.importResource(type, name, id);
    expect(plugin.resources.map((r) => [r.name, r.outputs.cidr ?? r.outputs.ip])).to.deep.equal(
      dynamic.resources.map((r) => [r.name, r.outputs.cidr ?? r.outputs.ip]),
    );
    expect((await api.listPools()).map((p) => [p.name, p.cidr, p.stats.allocated])).to.deep.equal(before);
    expect(up.outputs.serversCidr).to.equal(plugin.resources.find((r) => r.name === 'servers')!.outputs.cidr);

    // The program in Pulumi YAML (the quickstart's resources, by the same names) then changes nothing.
    const yaml = { yaml: join(EXAMPLES, 'yaml', 'Pulumi.yaml') };
    expect(summary((await plugin.up(yaml)).steps)).to.deep.equal(['same alice-laptop', 'same office', 'same printers', 'same servers', 'same vpn']);
    await plugin.destroy();
    expect(await api.listPools()).to.deep.equal([]);
    await api.close();
  });
});
