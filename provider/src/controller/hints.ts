import { HintRenderer } from '../errors';

/** The hints of the error catalogue (errors/hints.ts) in kubectl terms: the custom resources (crds/), whose namespace is the space. */
export const KUBERNETES_HINTS: HintRenderer = {
  'list-pools': (h) => `list pools with \`kubectl get subnetpools -n ${h.space}\``,
  'list-slices': (h) => `check the slice's namespace (list them with \`kubectl get sliceipams -n ${h.namespace}\`)`,
  'list-allocations': (h) => `list them with \`kubectl get subnetpoolclaims,clientips -n ${h.space}\``,
  'rename-or-update-pool': (h) => `choose another name, or change it with \`kubectl edit subnetpool ${h.pool} -n ${h.space}\``,
  'check-pool': (h) => `run \`ipam check ${h.pool} --kube --space ${h.space}\` to list every problem, then repair the state`,
  'label-pool': (h) => `label a SubnetPool to match (\`kubectl label subnetpool NAME -n ${h.space} KEY=VALUE\`), or change the poolSelector`,
};
