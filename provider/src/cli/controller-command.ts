import { textLogger } from '../log';
import { hostname } from 'node:os';
import { withDriver } from '../backends/driver';
import { OptionSpec, UsageError, parseInteger } from './args';
import type { Command, CommandContext } from './command';
import { nextSignal, parseListen } from './process';

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

const LEASE_NAME = 'pulumi-ipam-controller';

export const controllerCommand: Command = {
  path: ['controller'],
  usage: 'controller [--kubeconfig FILE | --kube] [--context NAME] [--health HOST:PORT] [--identity NAME] [--lease-namespace NS] [--lease-duration S] [--renew-deadline S] [--retry-period S] [--resync S]',
  summary: 'run the in-cluster controller: reconcile SubnetPools, SubnetPoolClaims, SliceIpams and ClientIps applied with kubectl',
  args: [],
  options: Object.keys(CONTROLLER_OPTIONS),
  ownBackend: true,
  async run(ctx) {
    const seconds = (name: string, fallback: number): number => {
      const value = ctx.options[name] === undefined ? fallback : parseInteger(ctx.options[name] as string, name);
      if (value < 1) throw new UsageError(`--${name}: give a number of seconds, at least 1`);
      return value;
    };
    const lease = { durationMs: seconds('lease-duration', 15) * 1000, renewDeadlineMs: seconds('renew-deadline', 10) * 1000, retryPeriodMs: seconds('retry-period', 2) * 1000 };
    if (!(lease.retryPeriodMs < lease.renewDeadlineMs && lease.renewDeadlineMs < lease.durationMs)) {
      throw new UsageError('--retry-period < --renew-deadline < --lease-duration, or two replicas could lead at once');
    }
    const { host, port } = parseListen(option(ctx, 'health') ?? '0.0.0.0:8081', 'health');
    const logger = textLogger('ipam controller');
    const log = (message: string) => logger('info', message);
    let lost: () => void = () => undefined;
    const leaseLost = new Promise<'lease lost'>((resolve) => (lost = () => resolve('lease lost')));
    // Loaded only now: @kubernetes/client-node is an optional peer dependency, and every other command runs without it.
    const { Controller } = await withDriver('kubernetes', () => import('../controller/controller'));
    const controller = new Controller({
      kubeconfig: option(ctx, 'kubeconfig') ?? process.env.IPAM_KUBECONFIG,
      context: option(ctx, 'context') ?? process.env.IPAM_KUBE_CONTEXT,
      identity: option(ctx, 'identity') ?? process.env.POD_NAME ?? `${hostname()}-${process.pid}`,
      lease: { namespace: option(ctx, 'lease-namespace') ?? process.env.POD_NAMESPACE ?? 'default', name: LEASE_NAME, ...lease },
      resyncMs: seconds('resync', 60) * 1000,
      log,
      onLostLease: lost,
    });
    const { HealthServer } = await import('../controller/health');
    const health = new HealthServer(controller.metrics, () => controller.ready);
    const url = await health.listen(host, port);
    log(`probes and metrics on ${url} (/healthz, /readyz, /metrics)`);
    controller.start();
    const why = await Promise.race([nextSignal(['SIGTERM', 'SIGINT']), leaseLost]);
    log(`stopping (${why})`);
    await controller.stop();
    await health.close();
    return { json: { stopped: why }, text: `ipam controller: stopped (${why})`, exitCode: why === 'lease lost' ? 1 : 0 };
  },
};

const option = (ctx: CommandContext, name: string): string | undefined => ctx.options[name] as string | undefined;
