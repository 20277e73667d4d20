import * as pulumi from '@pulumi/pulumi';
import * as ipam from 'pulumi-ipam';

// The KubeSlice scenario: two slices in one KubeSlice project namespace, with the same cluster
// names, get independent /24s from their own slice subnets.
// `pulumi config set blueClusters worker-2` takes worker-1 out of blue: its subnet is
// Released and held for 24 h; setting it back gives worker-1 the same subnet again.
const config = new pulumi.Config();
const blueClusters = (config.get('blueClusters') ?? 'worker-1,worker-2').split(',').filter((c) => c !== '');

const blue = new ipam.SliceIpam('blue', {
  namespace: 'kubeslice-cisco',
  sliceSubnet: '10.2.0.0/16',
  subnetSize: 24,
  clusters: blueClusters,
});

const red = new ipam.SliceIpam('red', {
  namespace: 'kubeslice-cisco',
  sliceSubnet: '10.3.0.0/16',
  subnetSize: 24,
  clusters: ['worker-1', 'worker-2'],
});

export const blueSubnets = blue.clusterSubnets;
export const redSubnets = red.clusterSubnets;
export const blueAllocations = blue.allocations;
export const blueAvailable = blue.availableSubnets;
export const blueTotal = blue.totalSubnets;
