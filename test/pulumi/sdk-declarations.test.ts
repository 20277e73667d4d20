import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RESOURCE_KINDS, SPECS } from '../../provider/src/dynamic/specs';
import { GENERATED_DIR, declarationsOf, fileOf } from '../../scripts/sdk';

/**
 * The SDK's property declarations (sdk/nodejs/generated) are what `npm run schema` writes from
 * the resources' zod descriptions: a description changed without regenerating fails here.
 */
describe('SDK declarations', () => {
  it('holds one generated file per resource and nothing else', () => {
    expect(readdirSync(GENERATED_DIR).sort()).to.deep.equal(RESOURCE_KINDS.map(fileOf).sort());
  });

  for (const kind of RESOURCE_KINDS) {
    it(`${kind}: sdk/nodejs/generated/${fileOf(kind)} is up to date (run \`npm run schema\` when not)`, () => {
      expect(readFileSync(join(GENERATED_DIR, fileOf(kind)), 'utf8')).to.equal(declarationsOf(kind));
    });
  }

  it('declares each input with its description, its optionality and its type as a program may give it', () => {
    const text = declarationsOf('SubnetPool');
    expect(text).to.include(`  /** ${SPECS.SubnetPool.inputs.cidr.description} */\n  cidr: pulumi.Input<string>;`);
    expect(text).to.include("  strategy?: pulumi.Input<'first-fit' | 'best-fit'>;");
    expect(text).to.include('  reserved?: pulumi.Input<pulumi.Input<string>[]>;');
    expect(text).to.include('  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;');
    // Defaulted and computed inputs are always set as outputs; other optional inputs may be absent.
    expect(text).to.include('  declare readonly name: pulumi.Output<string>;');
    expect(text).to.include('  declare readonly parentPool: pulumi.Output<string | undefined>;');
    expect(declarationsOf('SubnetPoolClaim')).to.include('  declare readonly cidr: pulumi.Output<string>;');
    expect(declarationsOf('SliceIpam')).to.include("import type { SliceClusterAllocation } from '../../../provider/src/model/api';");
  });
});
