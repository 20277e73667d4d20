import * as pulumi from '@pulumi/pulumi';
import { expect } from 'chai';
import { RESOURCE_KINDS } from '../../provider/src/dynamic/specs';
import { UNKNOWN } from '../../provider/src/dynamic/values';
import { providerFor } from '../../sdk/nodejs/provider';

/** What the SDK puts into a user's state, and the wire conventions it relies on. */
describe('SDK', () => {
  it('uses the Pulumi SDK\'s own marker for values unknown at preview', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(UNKNOWN).to.equal(require('@pulumi/pulumi/runtime/rpc').unknownValue);
  });

  for (const kind of RESOURCE_KINDS) {
    it(`${kind}: the serialized provider captures only the resource kind and requires pulumi-ipam lazily`, async () => {
      const provider = providerFor(kind);
      const serialized = await pulumi.runtime.serializeFunction(() => provider);
      const captured = [...serialized.text.matchAll(/with\(\{ ([^}]*) \}\)/g)].map((m) => m[1]);
      // Each method captures the kind (configure captures nothing); the object itself is "provider".
      const allowed = new Set([`kind: "${kind}", this: undefined, arguments: undefined`, 'this: undefined, arguments: undefined']);
      expect(captured.filter((c) => !c.startsWith('provider:')).every((c) => allowed.has(c)), captured.join(' | ')).to.equal(true);
      expect(captured.some((c) => c.startsWith(`kind: "${kind}"`))).to.equal(true);
      expect(serialized.text).to.match(/require\(["']pulumi-ipam\/dynamic["']\)/);
      // Small enough that nothing of ours was serialized by value.
      expect(serialized.text.length).to.be.lessThan(6000);
    });
  }
});
