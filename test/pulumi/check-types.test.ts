import { expect } from 'chai';
import { handlerOf } from '../../provider/src/dynamic/handlers';
import { CONFIG_KEYS } from '../../provider/src/dynamic/settings';
import { providerSettings } from '../../provider/src/model/resources';
import { UNKNOWN } from '../../provider/src/dynamic/values';

/**
 * The provider's check reads each input's type from the resource's zod description: a value of
 * another type is refused at preview with a message saying what the field takes, before the
 * engine's own rules run; a value not known yet passes.
 */
const urn = (kind: string, name: string) => `urn:pulumi:dev::acme::ipam:index:${kind}::${name}`;

describe("provider check: types come from the resources' zod descriptions", () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['SubnetPool', { cidr: 10 }, 'cidr', 'cidr: expected a string, got 10'],
    ['SubnetPool', { cidr: '10.0.0.0/16', defaultPrefixLength: 24.5 }, 'defaultPrefixLength', 'defaultPrefixLength: expected a whole number, got 24.5'],
    ['SubnetPool', { cidr: '10.0.0.0/16', gateway: 1 }, 'gateway', 'gateway: expected true, false or a string, got 1'],
    ['SubnetPool', { cidr: '10.0.0.0/16', reserved: ['10.0.0.0/30', 7] }, 'reserved', 'reserved: expected a list of strings, got ["10.0.0.0/30",7]'],
    ['SubnetPool', { cidr: '10.0.0.0/16', labels: { team: 1 } }, 'labels', 'labels: expected a map of strings, got {"team":1}'],
    ['SubnetPool', { cidr: '10.0.0.0/16', strategy: 3 }, 'strategy', 'strategy: expected a string, got 3'],
    ['SubnetPool', { cidr: '10.0.0.0/16', adopt: 'yes' }, 'adopt', 'adopt: expected true or false, got "yes"'],
    ['SliceIpam', { sliceSubnet: '10.1.0.0/16', subnetSize: 24, clusters: 'w1' }, 'clusters', 'clusters: expected a list of strings, got "w1"'],
  ];
  for (const [kind, news, property, reason] of cases) {
    it(`${kind}: ${reason}`, async () => {
      const result = await handlerOf(kind as never).check(urn(kind, 'r'), {}, news);
      expect(result.failures).to.deep.equal([{ property, reason }]);
    });
  }

  it('names a missing required input with its description', async () => {
    const result = await handlerOf('ClientIp').check(urn('ClientIp', 'laptop'), {}, { pool: 'net' });
    expect(result.failures).to.deep.equal([{ property: 'clientId', reason: 'clientId: required; The client: its idempotency key; the same client always gets the same address.' }]);
  });

  it('lets values not known at preview through, inside lists too', async () => {
    const result = await handlerOf('SliceIpam').check(urn('SliceIpam', 'blue'), {}, { sliceSubnet: UNKNOWN, subnetSize: UNKNOWN, clusters: ['w1', UNKNOWN] });
    expect(result.failures).to.deep.equal([]);
  });

  it("the settings the provider accepts are the described ones (schema.json's config)", () => {
    expect([...CONFIG_KEYS].sort()).to.deep.equal(Object.keys(providerSettings.shape).sort());
  });
});
