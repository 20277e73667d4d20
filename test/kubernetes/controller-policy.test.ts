import { expect } from 'chai';
import { at } from './kube-api';
import { LEASE_NAMESPACE, controllerPerTest, eventually, kubectlApply } from './controller-harness';
import { useCluster } from './setup';

/**
 * Pool policy through the Kubernetes CRDs and `ipam controller`: SubnetPools with labels and a
 * spec.policy, claims and client addresses that select their pool by labels (status.pool says
 * which), and the refusals of rules and quotas in the claim's status, as `kubectl describe` shows.
 */
const NS = 'policy-team';

const pool = (name: string, cidr: string, labels: Record<string, string>, policy = '') => `
apiVersion: ipam.pulumi-ipam.dev/v1alpha1
kind: SubnetPool
metadata:
  name: ${name}
  labels: {${Object.entries(labels).map(([k, v]) => `${k}: "${v}"`).join(', ')}}
spec:
  cidr: ${cidr}
  defaultPrefixLength: 24${policy}
`;

const claim = (name: string, spec: string, labels = '{}') => `
apiVersion: ipam.pulumi-ipam.dev/v1alpha1
kind: SubnetPoolClaim
metadata:
  name: ${name}
  labels: ${labels}
spec:
${spec}
`;

describe('ipam controller: pool policy on applied objects', function () {
  this.timeout(120_000);
  const t = useCluster([NS, LEASE_NAMESPACE]);
  controllerPerTest(() => t.cluster);

  const until = (plural: string, name: string, holds: (status: Record<string, unknown>) => boolean) =>
    eventually(`${plural}/${name}`, async () => {
      const object = await t.api.getNamespacedCustomObject({ ...at(NS, plural), name });
      return object.status !== undefined && holds(object.status) ? (object.status as Record<string, unknown>) : undefined;
    });

  it('a claim and a client address by poolSelector get the zone-a pool; rules and a quota refuse with their message in the status', async () => {
    const policy = `
  policy:
    minPrefixLength: 20
    requiredLabels: [team]
    quotas: [{name: per-namespace, creators: "k8s:${NS}/*", per: group, maxBlocks: 2}]`;
    await kubectlApply(t.cluster, NS, [pool('zone-a', '10.1.0.0/16', { zone: 'a' }, policy), pool('zone-b', '10.2.0.0/16', { zone: 'b' })].join('---'));
    await until('subnetpools', 'zone-a', (s) => s.phase === 'Ready');
    await until('subnetpools', 'zone-b', (s) => s.phase === 'Ready');

    await kubectlApply(t.cluster, NS, claim('vm', '  desiredBlockSize: 24\n  poolSelector: {matchLabels: {zone: a}}', '{team: web}'));
    const bound = await until('subnetpoolclaims', 'vm', (s) => s.phase === 'Bound');
    expect([bound.pool, bound.cidr]).to.deep.equal(['zone-a', '10.1.0.0/24']);
    await kubectlApply(t.cluster, NS, `
apiVersion: ipam.pulumi-ipam.dev/v1alpha1
kind: ClientIp
metadata:
  name: peer
  labels: {team: vpn}
spec:
  poolSelector: {matchExpressions: [{key: zone, operator: In, values: [a]}]}
`);
    const peer = await until('clientips', 'peer', (s) => s.phase === 'Bound');
    expect([peer.pool, peer.cidr]).to.deep.equal(['zone-a', '10.1.1.0/32']);

    await kubectlApply(t.cluster, NS, claim('big', '  desiredBlockSize: 16\n  parentPoolRef: zone-a', '{team: data}'));
    expect((await until('subnetpoolclaims', 'big', (s) => s.phase === 'Error')).message).to.equal(
      'prefixLength: a /16 is larger than pool "zone-a" in address space "policy-team" hands out: its rule minPrefixLength is 20 (blocks /20 to /32); ask for /20 or a longer prefix',
    );
    await kubectlApply(t.cluster, NS, claim('bare', '  desiredBlockSize: 24\n  parentPoolRef: zone-a'));
    expect((await until('subnetpoolclaims', 'bare', (s) => s.phase === 'Error')).message).to.equal(
      'labels: pool "zone-a" in address space "policy-team" requires "team" on every claim (its rule requiredLabels), and this claim lacks label "team"; add the label to the claim\'s labels',
    );
    await kubectlApply(t.cluster, NS, claim('third', '  desiredBlockSize: 24\n  poolSelector: {matchLabels: {zone: a}}', '{team: web}'));
    expect((await until('subnetpoolclaims', 'third', (s) => s.phase === 'Error')).message).to.equal(
      `quota "per-namespace" of pool "zone-a" allows the creators matching "k8s:${NS}/*" (together; k8s:${NS}/SubnetPoolClaim/third is one) at most 2 blocks in pool "zone-a"; ` +
        'they hold 257 addresses in 2 blocks, and 10.1.2.0/24 would add 256 addresses. ' +
        'Release blocks no longer needed (released blocks count until their grace period ends), ask for a smaller block, or ask whoever manages the pool to raise the quota',
    );
    const zoneA = await t.api.getNamespacedCustomObject({ ...at(NS, 'subnetpools'), name: 'zone-a' });
    expect(zoneA.spec.policy.quotas[0]).to.deep.equal({ name: 'per-namespace', creators: `k8s:${NS}/*`, per: 'group', maxBlocks: 2 });
  });
});
