import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { openKubernetes } from '../../provider/src/backends/kubernetes/open';
import { IMMUTABLE_SPEC_FIELDS } from '../../provider/src/backends/kubernetes/projection/immutable';
import { derivedDifferences } from './derived-check';
import { at } from './kube-api';
import { useCluster } from './setup';

/**
 * Fields the CRDs keep immutable: a derived object whose record changed one of them is made
 * again, where a replace would be refused by the API server (422) and leave kubectl showing the
 * old block.
 */
const NS = 'immutable';

describe('Kubernetes backend: derived objects whose immutable fields change', function () {
  this.timeout(120_000);
  const t = useCluster([NS]);

  it('knows the immutable spec fields the CRDs declare, kind by kind', () => {
    const crds = join(__dirname, '../../crds');
    const declared: Record<string, string[]> = {};
    for (const file of readdirSync(crds).filter((name) => name.endsWith('.yaml'))) {
      const crd = parseYaml(readFileSync(join(crds, file), 'utf8'));
      if (crd.kind !== 'CustomResourceDefinition' || crd.spec.names.kind === 'IpamLedger') continue;
      const spec = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties as Record<string, { 'x-kubernetes-validations'?: { rule: string }[] }>;
      declared[crd.spec.names.kind] = Object.keys(spec).filter((field) => spec[field]['x-kubernetes-validations']?.some((v) => v.rule === 'self == oldSelf')).sort();
    }
    const known = Object.fromEntries(Object.entries(IMMUTABLE_SPEC_FIELDS).map(([kind, fields]) => [kind, [...fields].sort()]));
    expect(known).to.deep.equal(declared);
  });

  it('an owner that comes back for another block size gets a claim object of the new size, with no warning', async () => {
    const warnings: string[] = [];
    const { ipam } = openKubernetes({ kubeconfig: t.cluster.kubeconfig, namespace: NS }, { warn: (message) => warnings.push(message) });
    try {
      await ipam.createPool({ name: 'p', cidr: '10.0.0.0/24' });
      await ipam.allocate({ pool: 'p', owner: 'web', prefixLength: 26 });
      await ipam.release({ pool: 'p', owner: 'web' });
      expect((await ipam.allocate({ pool: 'p', owner: 'web', prefixLength: 25 })).cidr).to.equal('10.0.0.0/25');
      const claim = await t.api.getNamespacedCustomObject({ ...at(NS, 'subnetpoolclaims'), name: 'p.web' });
      expect([claim.spec.desiredBlockSize, claim.status.cidr, claim.status.phase]).to.deep.equal([25, '10.0.0.0/25', 'Bound']);
      expect(await derivedDifferences(t.api, NS)).to.deep.equal([]);
      expect(warnings).to.deep.equal([]);
    } finally {
      await ipam.close();
    }
  });
});
