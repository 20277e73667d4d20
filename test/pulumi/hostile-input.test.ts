import { expect } from 'chai';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { IpamError } from '../../provider/src/errors';
import { MemoryStore } from '../../provider/src/store/memory';
import { HOSTILE_INPUTS, HOSTILE_SETUP, HostileOperation } from '../support/hostile-inputs';
import { CheckFailure, LocalStack, UpdateError } from '../support/pulumi/local-stack';
import { programWorkspace } from '../support/pulumi/workspace';

/**
 * The Pulumi face of the hostile-input table (the ipam command and the HTTP API are in
 * test/server/hostile-input.test.ts): each row a resource can express is refused by the
 * provider's check, at preview, before any backend is asked, with the engine's code and message
 * on the resource's own input name. Rows no resource can express are listed, so a new row has
 * to choose.
 */
type Kind = 'SubnetPool' | 'SubnetPoolClaim' | 'ClientIp' | 'SliceIpam';

interface AsResource {
  kind: Kind;
  inputs: Record<string, unknown>;
  /** Engine field name -> the resource's input name, where they differ. */
  renamed?: Record<string, string>;
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The resource a program would declare for the operation, or undefined when none can say it. */
function asResource(op: HostileOperation): AsResource | undefined {
  switch (op.operation) {
    case 'create pool': {
      const { name, cidr, parent, gateway, reserved, defaultPrefixLength, description, labels, prefixLength, prefer, owner } = op.input;
      // A SubnetPool has no prefixLength, prefer or owner: a child carved by size is a SubnetPoolClaim.
      if (prefixLength !== undefined || prefer !== undefined || owner !== undefined) return undefined;
      // Pulumi's dynamic provider host turns the inputs into an object by assignment
      // (Struct.toJavaScript), where a "__proto__" key sets the prototype and is gone before
      // the provider sees it: no dynamic resource can pass one.
      if (labels !== undefined && Object.prototype.hasOwnProperty.call(labels, '__proto__')) return undefined;
      return { kind: 'SubnetPool', inputs: defined({ name, cidr, parentPool: parent, gateway, reserved, defaultPrefixLength, description, labels }), renamed: { parent: 'parentPool' } };
    }
    case 'update pool': {
      const { pool, reserved, description, labels } = op.input;
      return { kind: 'SubnetPool', inputs: defined({ name: pool, cidr: '10.50.0.0/24', reserved, description, labels }) };
    }
    case 'allocate': {
      const { pool, owner, kind, cidr, prefixLength, address, prefer, labels } = op.input;
      if (labels !== undefined) return undefined; // claims and client addresses carry no labels
      if (kind === 'host') return { kind: 'ClientIp', inputs: defined({ pool, clientId: owner, address }), renamed: { owner: 'clientId' } };
      return { kind: 'SubnetPoolClaim', inputs: defined({ pool, owner, cidr, prefixLength, preferredCidr: prefer }), renamed: { prefer: 'preferredCidr' } };
    }
    case 'slice sync': {
      const { name, namespace, sliceSubnet, subnetSize, clusters } = op.input;
      return { kind: 'SliceIpam', inputs: { sliceName: name, namespace, sliceSubnet, subnetSize, clusters }, renamed: { name: 'sliceName' } };
    }
    case 'pool statistics':
    case 'find':
      return undefined; // reads: no resource asks them
  }
}

/** The engine's refusal of the row, over the table's state. */
async function engineRefusal(ipam: Ipam, op: HostileOperation): Promise<IpamError> {
  const call = async () => {
    switch (op.operation) {
      case 'create pool':
        return ipam.createPool(op.input);
      case 'update pool':
        return ipam.updatePool(op.input);
      case 'allocate':
        return ipam.allocate(op.input);
      case 'slice sync':
        return ipam.syncSlice(op.input);
      case 'pool statistics':
        return ipam.getPool(op.input);
      case 'find':
        return ipam.find(op.input);
    }
  };
  const error = await call().then(() => undefined, (e: unknown) => e);
  expect(error, 'the engine refuses the row').to.be.instanceOf(IpamError);
  return error as IpamError;
}

describe('hostile inputs: the same refusal from the Pulumi provider\'s check (real provider host)', function () {
  this.timeout(120_000);
  let stack: LocalStack;
  let ipam: Ipam;

  before(async () => {
    const workspace = programWorkspace();
    stack = new LocalStack(workspace, { project: 'hostile', stack: 'test', config: { 'ipam:state': join(workspace.dir, 'never-opened.db') } });
    ipam = Ipam.create(new MemoryStore());
    for (const op of HOSTILE_SETUP) {
      if (op.operation === 'create pool') await ipam.createPool(op.input);
      if (op.operation === 'allocate') await ipam.allocate(op.input);
      if (op.operation === 'slice sync') await ipam.syncSlice(op.input);
    }
  });

  it('names the rows no resource can express', () => {
    const unexpressed = HOSTILE_INPUTS.filter((row) => asResource(row) === undefined).map((row) => row.description);
    expect(unexpressed).to.deep.equal([
      'looking up an IPv4-mapped address',
      'a label value with a bidi override',
      'statistics for a block size the pool cannot hold',
      'a root pool given a prefixLength',
      'a root pool given prefer',
      'a root pool given an owner',
      'a child pool whose cidr and prefixLength disagree',
      'a label key "__proto__" on a pool',
      'a label key "__proto__" on an allocation',
    ]);
  });

  for (const row of HOSTILE_INPUTS) {
    const resource = asResource(row);
    if (resource === undefined) continue;
    it(`${row.description}: ${resource.kind} fails preview with ${row.code} on ${row.field}`, async () => {
      const engine = await engineRefusal(ipam, row);
      expect([engine.code, engine.field]).to.deep.equal([row.code, row.field]);
      const [top, rest] = /^([A-Za-z]+)(.*)$/.exec(row.field)!.slice(1);
      const property = resource.renamed?.[top] ?? top;
      const sdk = stack.sdk();
      const error = await stack
        .preview(() => {
          new sdk[resource.kind]('r', resource.inputs as never);
        })
        .then(() => undefined, (e: Error) => e);
      expect(error, 'preview fails').to.be.instanceOf(UpdateError);
      const failure = (error as UpdateError).errors.find((e): e is CheckFailure => e instanceof CheckFailure);
      expect(failure?.failures).to.deep.equal([{ property, reason: `${row.code}: ${property}${rest}${engine.message.slice(row.field.length)}` }]);
    });
  }
});
