import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { expect } from 'chai';
import { KubeApiServer, RUNNER_USER } from '../support/kube-apiserver';
import { JsonSchema } from '../support/kube-crds';
import { assertSupportedRules, validateTransitions } from '../support/kube-schema';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { at, customObjects, object, refusal } from './kube-api';

/**
 * The API stand-in itself, driven by the unmodified client library: it must answer as
 * kube-apiserver does, or the tests of the store on it prove nothing.
 */
describe('Kubernetes API stand-in', function () {
  this.timeout(30_000);
  let server: KubeApiServer;
  let api: CustomObjectsApi;
  let runner: CustomObjectsApi;
  let stranger: CustomObjectsApi;
  const pools = at('team-a', 'subnetpools');
  const pool = (name: string, spec: Record<string, unknown> = { cidr: '10.0.0.0/16' }, extra = {}) => object('SubnetPool', name, spec, extra);

  before(async () => {
    server = await KubeApiServer.start();
    const kubeconfig = server.writeKubeconfig(mkdtempSync(join(tmpdir(), 'ipam-stand-in-')));
    api = customObjects(kubeconfig, 'admin');
    runner = customObjects(kubeconfig, 'runner');
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    config.users = [{ name: 'runner', token: 'not-a-token-of-this-cluster' }];
    stranger = config.makeApiClient(CustomObjectsApi);
  });
  beforeEach(() => server.reset());
  after(() => server.stop());

  it('creates (201 semantics: uid, resourceVersion, generation 1; status dropped) and refuses a second create with AlreadyExists', async () => {
    const created = await api.createNamespacedCustomObject({ ...pools, body: pool('net', undefined, { status: { phase: 'Ready' } }) });
    expect(created.metadata).to.include({ name: 'net', namespace: 'team-a', generation: 1 });
    expect(created.metadata.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(created.metadata.resourceVersion).to.match(/^\d+$/);
    expect(created.metadata.creationTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created).to.not.have.property('status');
    expect(await refusal(api.createNamespacedCustomObject({ ...pools, body: pool('net') }))).to.include({
      code: 409,
      reason: 'AlreadyExists',
      message: 'subnetpools.ipam.pulumi-ipam.dev "net" already exists',
    });
  });

  it('answers NotFound for a missing object, and for a resource it does not serve', async () => {
    expect(await refusal(api.getNamespacedCustomObject({ ...pools, name: 'nope' }))).to.include({
      code: 404,
      reason: 'NotFound',
      message: 'subnetpools.ipam.pulumi-ipam.dev "nope" not found',
    });
    expect(await refusal(api.getNamespacedCustomObject({ ...at('team-a', 'widgets'), name: 'x' }))).to.include({
      code: 404,
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });
  });

  it('updates only with the current resourceVersion: none is Invalid, a stale one is a Conflict', async () => {
    const created = await api.createNamespacedCustomObject({ ...pools, body: pool('net') });
    const { resourceVersion, ...withoutVersion } = created.metadata;
    expect(await refusal(api.replaceNamespacedCustomObject({ ...pools, name: 'net', body: { ...created, metadata: withoutVersion } }))).to.include({
      code: 422,
      reason: 'Invalid',
      message: 'SubnetPool.ipam.pulumi-ipam.dev "net" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
    });
    const updated = await api.replaceNamespacedCustomObject({ ...pools, name: 'net', body: { ...created, spec: { ...created.spec, strategy: 'best-fit' } } });
    expect(Number(updated.metadata.resourceVersion)).to.be.greaterThan(Number(resourceVersion));
    expect(await refusal(api.replaceNamespacedCustomObject({ ...pools, name: 'net', body: created }))).to.include({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on subnetpools.ipam.pulumi-ipam.dev "net": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('keeps spec and status apart (status subresource); generation counts spec changes only', async () => {
    const created = await api.createNamespacedCustomObject({ ...pools, body: pool('net') });
    const withStatus = await api.replaceNamespacedCustomObjectStatus({ ...pools, name: 'net', body: { ...created, spec: { cidr: '10.9.0.0/16' }, status: { phase: 'Ready', free: '65536' } } });
    expect(withStatus.spec.cidr).to.equal('10.0.0.0/16');
    expect(withStatus.status).to.deep.equal({ phase: 'Ready', free: '65536' });
    expect(withStatus.metadata.generation).to.equal(1);
    const relabelled = await api.replaceNamespacedCustomObject({ ...pools, name: 'net', body: { ...withStatus, metadata: { ...withStatus.metadata, labels: { team: 'a' } }, status: { phase: 'Deleting' } } });
    expect(relabelled.status).to.deep.equal({ phase: 'Ready', free: '65536' });
    expect(relabelled.metadata.generation).to.equal(1);
    const respecced = await api.replaceNamespacedCustomObject({ ...pools, name: 'net', body: { ...relabelled, spec: { ...relabelled.spec, gateway: '10.0.0.1' } } });
    expect(respecced.metadata.generation).to.equal(2);
    // An update that changes nothing writes nothing.
    const same = await api.replaceNamespacedCustomObject({ ...pools, name: 'net', body: respecced });
    expect(same.metadata.resourceVersion).to.equal(respecced.metadata.resourceVersion);
  });

  it('applies JSON merge patches, to the object and to its status, with an optional resourceVersion precondition', async () => {
    const created = await api.createNamespacedCustomObject({ ...pools, body: pool('net') });
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const patched = await api.patchNamespacedCustomObject({ ...pools, name: 'net', body: { metadata: { labels: { team: 'a' } }, spec: { strategy: 'best-fit' } } }, merge);
    expect(patched.metadata.labels).to.deep.equal({ team: 'a' });
    expect(patched.spec).to.deep.equal({ cidr: '10.0.0.0/16', strategy: 'best-fit' });
    expect(patched.metadata.generation).to.equal(2);
    const status = await api.patchNamespacedCustomObjectStatus({ ...pools, name: 'net', body: { status: { phase: 'Ready' } } }, merge);
    expect(status.status).to.deep.equal({ phase: 'Ready' });
    const stale = { metadata: { resourceVersion: created.metadata.resourceVersion }, spec: { strategy: 'first-fit' } };
    expect((await refusal(api.patchNamespacedCustomObject({ ...pools, name: 'net', body: stale }, merge))).reason).to.equal('Conflict');
    expect((await refusal(api.patchNamespacedCustomObject({ ...pools, name: 'net', body: [{ op: 'remove', path: '/spec/strategy' }] }))).code).to.equal(415);
  });

  it('refuses what the CRD schema refuses, with the server\'s Invalid causes', async () => {
    const invalid = async (plural: string, body: unknown) => (await refusal(api.createNamespacedCustomObject({ ...at('team-a', plural), body }))).body;
    const missing = await invalid('subnetpools', pool('a', {}));
    expect(missing.message).to.equal('SubnetPool.ipam.pulumi-ipam.dev "a" is invalid: spec.cidr: Required value');
    expect(missing.details).to.deep.equal({ name: 'a', group: 'ipam.pulumi-ipam.dev', kind: 'SubnetPool', causes: [{ reason: 'FieldValueRequired', field: 'spec.cidr', message: 'Required value' }] });
    expect((await invalid('subnetpools', pool('b', { cidr: '10.0.0.0/33' }))).message).to.match(/^SubnetPool.ipam.pulumi-ipam.dev "b" is invalid: spec.cidr: Invalid value: "10.0.0.0\/33": spec.cidr in body should match '\^/);
    expect((await invalid('subnetpools', pool('c', { cidr: '10.0.0.0/16', strategy: 'random' }))).message).to.equal(
      'SubnetPool.ipam.pulumi-ipam.dev "c" is invalid: spec.strategy: Unsupported value: "random": supported values: "first-fit", "best-fit"',
    );
    const slice = (size: unknown, subnet = '10.1.0.0/16') => object('SliceIpam', 'blue', { sliceSubnet: subnet, subnetSize: size });
    expect((await invalid('sliceipams', slice(31))).message).to.equal(
      'SliceIpam.ipam.pulumi-ipam.dev "blue" is invalid: spec.subnetSize: Invalid value: 31: spec.subnetSize in body should be less than or equal to 30',
    );
    expect((await invalid('sliceipams', slice('24'))).message).to.equal(
      'SliceIpam.ipam.pulumi-ipam.dev "blue" is invalid: spec.subnetSize: Invalid value: "string": spec.subnetSize in body must be of type integer: "string"',
    );
    expect((await invalid('sliceipams', slice(24, '10.1.0.0/30'))).message).to.contain('spec.sliceSubnet: Invalid value: "10.1.0.0/30"');
    expect((await invalid('subnetpools', pool('Bad_Name'))).message).to.match(/metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  });

  it('enforces the CRDs\' CEL immutability rules on update', async () => {
    const created = await api.createNamespacedCustomObject({ ...pools, body: pool('child', { cidr: '10.0.1.0/24', parentRef: { name: 'net' } }) });
    const change = (spec: Record<string, unknown>) => refusal(api.replaceNamespacedCustomObject({ ...pools, name: 'child', body: { ...created, spec } }));
    expect((await change({ cidr: '10.0.2.0/24', parentRef: { name: 'net' } })).message).to.equal(
      'SubnetPool.ipam.pulumi-ipam.dev "child" is invalid: spec.cidr: Invalid value: "string": cidr is immutable',
    );
    expect((await change({ cidr: '10.0.1.0/24' })).message).to.equal('SubnetPool.ipam.pulumi-ipam.dev "child" is invalid: spec: Invalid value: "object": parentRef is immutable');
    expect((await change({ cidr: '10.0.1.0/24', parentRef: { name: 'other' } })).message).to.equal(
      'SubnetPool.ipam.pulumi-ipam.dev "child" is invalid: spec.parentRef: Invalid value: "object": parentRef is immutable',
    );
    const mutable = await api.replaceNamespacedCustomObject({ ...pools, name: 'child', body: { ...created, spec: { ...created.spec, description: 'ok' } } });
    expect(mutable.spec.description).to.equal('ok');
  });

  it('reads a "field kept once present" rule for any field, only where the old value has it, and refuses rule forms it does not understand', () => {
    const rule = (r: string): JsonSchema => ({ type: 'object', 'x-kubernetes-validations': [{ rule: r, message: 'keep it' }] });
    const kept = rule('!has(oldSelf.colour) || has(self.colour)');
    const refused = [{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": keep it' }];
    expect(validateTransitions(kept, { size: 1 }, { colour: 'red' }, 'spec')).to.deep.equal(refused);
    expect(validateTransitions(kept, { colour: 'blue' }, { colour: 'red' }, 'spec')).to.deep.equal([]);
    expect(validateTransitions(kept, { colour: 'blue' }, {}, 'spec')).to.deep.equal([]);
    expect(validateTransitions(kept, {}, {}, 'spec')).to.deep.equal([]);
    const nested: JsonSchema = { type: 'object', properties: { spec: kept } };
    expect(validateTransitions(nested, { spec: {} }, { spec: { colour: 'red' } }, '')).to.deep.equal(refused);
    expect(validateTransitions(nested, { spec: {} }, {}, '')).to.deep.equal([]);
    expect(() => assertSupportedRules(nested)).not.to.throw();
    for (const unknown of ['!has(oldSelf.colour) || has(self.size)', 'has(self.colour) || !has(oldSelf.colour)', '!has(oldSelf.colour) && has(self.colour)']) {
      expect(() => assertSupportedRules({ type: 'object', properties: { spec: rule(unknown) } })).to.throw(
        `stand-in: CEL rule "${unknown}" at .spec is not understood; teach test/support/kube-schema.ts`,
      );
    }
  });

  it('prunes fields the schema does not declare', async () => {
    const created = await api.createNamespacedCustomObject({ ...pools, body: { ...pool('net', { cidr: '10.0.0.0/16', colour: 'red' }), extra: 1 } });
    expect(created.spec).to.deep.equal({ cidr: '10.0.0.0/16' });
    expect(created).to.not.have.property('extra');
  });

  it('lists by label selector', async () => {
    for (const [name, team] of [['a', 'x'], ['b', 'y'], ['c', 'x']]) {
      await api.createNamespacedCustomObject({ ...pools, body: pool(name, { cidr: `10.${name.charCodeAt(0)}.0.0/16` }, { metadata: { labels: { team } } }) });
    }
    const names = async (labelSelector: string) => ((await api.listNamespacedCustomObject({ ...pools, labelSelector })).items as { metadata: { name: string } }[]).map((o) => o.metadata.name);
    expect(await names('team=x')).to.deep.equal(['a', 'c']);
    expect(await names('team!=x')).to.deep.equal(['b']);
    expect(await names('team in (y,z)')).to.deep.equal(['b']);
    expect(await names('!team')).to.deep.equal([]);
    const list = await api.listNamespacedCustomObject({ ...pools });
    expect(list).to.include({ apiVersion: 'ipam.pulumi-ipam.dev/v1alpha1', kind: 'SubnetPoolList' });
  });

  it('keeps an object with finalizers after delete (deletionTimestamp, generation bump) until they are removed', async () => {
    await api.createNamespacedCustomObject({ ...pools, body: pool('net', undefined, { metadata: { finalizers: ['example.com/hold'] } }) });
    const marked = await api.deleteNamespacedCustomObject({ ...pools, name: 'net' });
    expect(marked.metadata.deletionTimestamp).to.match(/Z$/);
    expect(marked.metadata.generation).to.equal(2);
    const held = await api.getNamespacedCustomObject({ ...pools, name: 'net' });
    expect(held.metadata.finalizers).to.deep.equal(['example.com/hold']);
    const added = { ...held, metadata: { ...held.metadata, finalizers: ['example.com/hold', 'example.com/more'] } };
    expect((await refusal(api.replaceNamespacedCustomObject({ ...pools, name: 'net', body: added }))).message).to.equal(
      'SubnetPool.ipam.pulumi-ipam.dev "net" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/more"}',
    );
    await api.replaceNamespacedCustomObject({ ...pools, name: 'net', body: { ...held, metadata: { ...held.metadata, finalizers: [] } } });
    expect((await refusal(api.getNamespacedCustomObject({ ...pools, name: 'net' }))).code).to.equal(404);
  });

  it('deletes only with matching preconditions', async () => {
    const created = await api.createNamespacedCustomObject({ ...pools, body: pool('net') });
    await api.replaceNamespacedCustomObject({ ...pools, name: 'net', body: { ...created, spec: { ...created.spec, strategy: 'best-fit' } } });
    const stale = await refusal(api.deleteNamespacedCustomObject({ ...pools, name: 'net', body: { preconditions: { resourceVersion: created.metadata.resourceVersion } } }));
    expect(stale).to.include({ code: 409, reason: 'Conflict' });
    expect(stale.message).to.match(/^Operation cannot be fulfilled on subnetpools.ipam.pulumi-ipam.dev "net": Precondition failed: ResourceVersion in precondition: \d+, ResourceVersion in object meta: \d+$/);
    await api.deleteNamespacedCustomObject({ ...pools, name: 'net' });
    expect((await refusal(api.getNamespacedCustomObject({ ...pools, name: 'net' }))).code).to.equal(404);
  });

  it('returns the Table of the CRD\'s printer columns when asked as kubectl asks', async () => {
    const created = await api.createNamespacedCustomObject({ ...pools, body: pool('net') });
    await api.replaceNamespacedCustomObjectStatus({ ...pools, name: 'net', body: { ...created, status: { allocated: '512', free: '65024', utilization: '0.78%', phase: 'Ready' } } });
    const table = await api.listNamespacedCustomObject({ ...pools }, setHeaderOptions('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json'));
    expect(table).to.include({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(table.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}/${c.priority}`)).to.deep.equal([
      'Name/0', 'CIDR/0', 'Allocated/0', 'Free/0', 'Utilization/0', 'Parent/1', 'Phase/1', 'Creator/1', 'Age/0',
    ]);
    expect(table.rows).to.have.length(1);
    expect(table.rows[0].cells.slice(0, 8)).to.deep.equal(['net', '10.0.0.0/16', '512', '65024', '0.78%', null, 'Ready', null]);
    expect(table.rows[0].cells[8]).to.match(/^\d+s$/);
    expect(table.rows[0].object).to.include({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' });
  });

  it('authorizes by the Role of crds/rbac-role.yaml: no deletecollection, no cluster-wide list, no unknown token', async () => {
    const denied = await refusal(runner.deleteCollectionNamespacedCustomObject({ ...pools }));
    expect(denied).to.include({
      code: 403,
      reason: 'Forbidden',
      message: `subnetpools.ipam.pulumi-ipam.dev is forbidden: User "${RUNNER_USER}" cannot deletecollection resource "subnetpools" in API group "ipam.pulumi-ipam.dev" in the namespace "team-a"`,
    });
    expect((await refusal(runner.listClusterCustomObject({ group: pools.group, version: pools.version, plural: 'ipamledgers' }))).message).to.equal(
      `ipamledgers.ipam.pulumi-ipam.dev is forbidden: User "${RUNNER_USER}" cannot list resource "ipamledgers" in API group "ipam.pulumi-ipam.dev" at the cluster scope`,
    );
    expect((await refusal(runner.deleteNamespacedCustomObject({ ...at('team-a', 'ipamledgers'), name: 'ledger' }))).code).to.equal(403);
    const created = await runner.createNamespacedCustomObject({ ...pools, body: pool('net') });
    expect(created.metadata.name).to.equal('net');
    expect((await refusal(stranger.getNamespacedCustomObject({ ...pools, name: 'net' }))).code).to.equal(401);
  });

  it('refuses an object over etcd\'s request size limit the way the server does', async () => {
    const huge = pool('net', { cidr: '10.0.0.0/16', description: 'x'.repeat(1000), reserved: Array.from({ length: 120_000 }, () => '10.0.0.0/32') });
    expect(await refusal(api.createNamespacedCustomObject({ ...pools, body: huge }))).to.include({
      code: 500,
      reason: 'InternalError',
      message: 'Internal error occurred: etcdserver: request is too large',
    });
  });
});
