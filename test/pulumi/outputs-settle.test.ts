import { expect } from 'chai';
import { join } from 'node:path';
import { RESOURCE_KINDS, ResourceKind, SPECS } from '../../provider/src/dynamic/specs';
import { LocalStack, Step } from '../support/pulumi/local-stack';
import { programWorkspace } from '../support/pulumi/workspace';

/**
 * Outputs settle: for every input that changes in place, adding it, changing it and removing it
 * are each one update, and the `up` after each is `same`; the outputs follow the inputs and the
 * backend, never an old input left behind.
 */

interface MutableCase {
  kind: ResourceKind;
  input: string;
  values: [unknown, unknown];
  /** Required inputs cannot be left out: only added values are changed. */
  required?: boolean;
}

const CASES: MutableCase[] = [
  { kind: 'SubnetPool', input: 'strategy', values: ['best-fit', 'first-fit'] },
  { kind: 'SubnetPool', input: 'defaultPrefixLength', values: [26, 27] },
  { kind: 'SubnetPool', input: 'gateway', values: [true, '10.0.0.9'] },
  { kind: 'SubnetPool', input: 'reserved', values: [['10.0.200.0/28'], ['10.0.201.0/28']] },
  { kind: 'SubnetPool', input: 'gracePeriodSeconds', values: [60, 120] },
  { kind: 'SubnetPool', input: 'description', values: ['v1', 'v2'] },
  { kind: 'SubnetPool', input: 'labels', values: [{ team: 'a' }, { team: 'b' }] },
  { kind: 'SubnetPool', input: 'adopt', values: [true, false] },
  // Pool policy: the claim and the laptop already hold their blocks, so tighter rules leave them be.
  { kind: 'SubnetPool', input: 'minPrefixLength', values: [20, 22] },
  { kind: 'SubnetPool', input: 'maxPrefixLength', values: [26, 28] },
  { kind: 'SubnetPool', input: 'requiredLabels', values: [['team'], ['env=prod']] },
  { kind: 'SubnetPool', input: 'allowedCreators', values: [['pulumi:*'], ['pulumi:settle/*']] },
  {
    kind: 'SubnetPool',
    input: 'quotas',
    values: [[{ name: 'q', creators: '*', per: 'creator', scope: 'pool', maxBlocks: 10 }], [{ name: 'q', creators: 'pulumi:*', per: 'group', scope: 'space', maxAddresses: '65536' }]],
  },
  { kind: 'SubnetPoolClaim', input: 'preferredCidr', values: ['10.0.8.0/24', '10.0.9.0/24'] },
  { kind: 'SliceIpam', input: 'gracePeriodHours', values: [2, 3] },
  { kind: 'SliceIpam', input: 'clusters', values: [['w1', 'w2'], ['w2', 'w3']], required: true },
  { kind: 'ClientIp', input: 'adopt', values: [true, false] },
];

const RESOURCE_NAMES: Record<ResourceKind, string> = { SubnetPool: 'net', SubnetPoolClaim: 'web', SliceIpam: 'blue', ClientIp: 'laptop' };

const summary = (steps: Step[]) => steps.map((s) => `${s.op} ${s.name}`).sort();

describe('Pulumi outputs settle after every in-place change (real provider host)', function () {
  this.timeout(180_000);

  it('covers every input that changes in place', () => {
    const mutable = RESOURCE_KINDS.flatMap((kind) =>
      Object.entries(SPECS[kind].inputs)
        .filter(([, spec]) => !spec.replace)
        .map(([input]) => `${kind}.${input}`),
    );
    expect(CASES.map((c) => `${c.kind}.${c.input}`).sort()).to.deep.equal(mutable.sort());
  });

  for (const c of CASES) {
    it(`${c.kind}.${c.input}: ${c.required ? 'changed' : 'added, changed, removed'}; each next up is same and the outputs follow`, async () => {
      const workspace = programWorkspace();
      const stack = new LocalStack(workspace, { project: 'settle', stack: 'test', config: { 'ipam:state': join(workspace.dir, 'state.db') } });
      const sdk = stack.sdk();
      // The claim and the laptop keep clear of the pool's first host, which `gateway: true` takes.
      const program = (value: unknown) => () => {
        const the = (kind: ResourceKind) => (kind === c.kind ? { [c.input]: value } : {});
        const net = new sdk.SubnetPool('net', { cidr: '10.0.0.0/16', ...the('SubnetPool') });
        new sdk.SubnetPoolClaim('web', { pool: net.name, prefixLength: 24, preferredCidr: '10.0.4.0/24', ...the('SubnetPoolClaim') });
        new sdk.ClientIp('laptop', { pool: net.name, clientId: 'laptop', address: '10.0.9.9', ...the('ClientIp') });
        new sdk.SliceIpam('blue', { namespace: 'ks', sliceSubnet: '10.2.0.0/16', subnetSize: 24, clusters: ['w1'], ...the('SliceIpam') });
      };
      const name = RESOURCE_NAMES[c.kind];
      const outputOf = () => stack.resources.find((r) => r.name === name)!.outputs[c.input];
      const sequence = c.required ? [c.values[0], c.values[1]] : [undefined, c.values[0], c.values[1], undefined];
      await stack.up(program(sequence[0]));
      for (const value of sequence.slice(1)) {
        const changed = await stack.up(program(value));
        expect(summary(changed.steps), `setting ${JSON.stringify(value)}`).to.include(`update ${name}`);
        expect(outputOf(), 'the output follows the input').to.deep.equal(value);
        const again = await stack.up(program(value));
        expect(summary(again.steps), `again with ${JSON.stringify(value)}`).to.deep.equal(['same blue', 'same laptop', 'same net', 'same web']);
      }
    });
  }
});
