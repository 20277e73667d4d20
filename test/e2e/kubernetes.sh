#!/usr/bin/env bash
# The Kubernetes backend's tests against a real cluster: installs crds/ with kubectl, waits for
# the CRDs to be served, then runs test/kubernetes/ and the Pulumi-on-Kubernetes test of
# test/pulumi/backends.test.ts with IPAM_TEST_KUBECONFIG (test/kubernetes/cluster.ts) set to
# $KUBECONFIG. Without KUBECONFIG it skips; `npm test` covers the same suites on the API stand-in.
#
#   KUBECONFIG=$HOME/.kube/kind-ipam test/e2e/kubernetes.sh
#
# WARNING: point KUBECONFIG at a THROWAWAY cluster (kind, k3d, minikube). The tests run as the
# kubeconfig's current context and DELETE every pulumi-ipam object (IpamLedger, SubnetPool,
# SubnetPoolClaim, SliceIpam, ClientIp; finalizers removed first) in the namespaces they use:
# default, team-a, team-b, sized, crash, busy, kubeslice-cisco, nothing-here, s, one, two, o, a, u
# (created when missing, labelled pulumi-ipam-e2e=true). Any IPAM state there is lost. The
# controller tests run `ipam controller` as the current context (Lease in ipam-system): do not
# run them where the controller of deploy/ is installed, it would reconcile their objects too.
# `kubectl apply -f crds/` also creates the Role pulumi-ipam-runner in the context's namespace.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if [[ -z "${KUBECONFIG:-}" ]]; then
  echo "test/e2e/kubernetes.sh: skipped: KUBECONFIG is not set (point it at a throwaway cluster; the tests delete pulumi-ipam objects in the namespaces they use)"
  exit 0
fi
# The tests load one kubeconfig file (no KUBECONFIG=a:b lists): a wrong path is an error, not a skip.
if [[ ! -f "$KUBECONFIG" ]]; then
  echo "test/e2e/kubernetes.sh: KUBECONFIG=$KUBECONFIG is not a file; give the path of one kubeconfig file" >&2
  exit 2
fi
if ! command -v kubectl >/dev/null; then
  echo "test/e2e/kubernetes.sh: kubectl is not installed; the script applies crds/ with it and the tests use it" >&2
  exit 2
fi

echo "test/e2e/kubernetes.sh: cluster: context $(kubectl config current-context) of $KUBECONFIG"
kubectl apply -f crds/
kubectl wait --for=condition=Established --timeout=120s \
  crd/ipamledgers.ipam.pulumi-ipam.dev \
  crd/subnetpools.ipam.pulumi-ipam.dev \
  crd/subnetpoolclaims.ipam.pulumi-ipam.dev \
  crd/sliceipams.ipam.pulumi-ipam.dev \
  crd/clientips.ipam.pulumi-ipam.dev

export IPAM_TEST_KUBECONFIG="$KUBECONFIG"
npx mocha 'test/kubernetes/**/*.test.ts'
# Only the Kubernetes describe of that file (the other one starts an HTTP service); --fail-zero
# so that renaming it cannot turn this step into a silent no-op.
npx mocha test/pulumi/backends.test.ts --grep 'on the Kubernetes backend' --fail-zero
