import { OptionSpec } from './args';
import type { Command } from './command';

/**
 * `ipam controller`: the in-cluster controller (provider/src/controller). Runs until SIGTERM or
 * SIGINT; a leader hands its Lease over on the way out. Log lines go to stderr.
 */
export const CONTROLLER_OPTIONS: Record<string, OptionSpec> = {
  health: { type: 'value', valueName: 'HOST:PORT', help: 'serve /healthz, /readyz and /metrics here (default 0.0.0.0:8081)' },
  identity: { type: 'value', valueName: 'NAME', help: 'this replica in the Lease (default env POD_NAME, else host-pid)' },
  'lease-namespace': { type: 'value', valueName: 'NS', help: 'namespace of the Lease (default env POD_NAMESPACE, else default)' },
  'lease-duration': { type: 'value', valueName: 'S', help: 'seconds a leader holds the Lease without renewing it (default 15)' },
  'renew-deadline': { type: 'value', valueName: 'S', help: 'seconds a leader may fail to renew before it steps down (default 10)' },
  'retry-period': { type: 'value', valueName: 'S', help: 'seconds between Lease attempts (default 2)' },
  resync: { type: 'value', valueName: 'S', help: 'seconds between passes over every namespace without events (default 60)' },
};

export const controllerCommand: Command = {
  path: ['controller'],
  usage: 'controller [--kubeconfig FILE | --kube] [--context NAME] [--health HOST:PORT] [--identity NAME] [--lease-namespace NS] [--lease-duration S] [--renew-deadline S] [--retry-period S] [--resync S]',
  summary: 'run the in-cluster controller: reconcile SubnetPools, SubnetPoolClaims, SliceIpams and ClientIps applied with kubectl',
  args: [],
  options: Object.keys(CONTROLLER_OPTIONS),
  ownBackend: true,
  // What it does (./controller-run.ts) loads only when it runs: a server, signals, the Kubernetes client.
  run: async (ctx) => (await import('./controller-run')).runController(ctx),
};
