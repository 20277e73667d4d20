import { textLogger } from '../log';
import { hostname } from 'node:os';
import { withDriver } from '../backends/driver';
import { UsageError, parseInteger } from './args';
import type { CommandContext, Output } from './command';
import { nextSignal, parseListen } from './process';

const LEASE_NAME = 'pulumi-ipam-controller';

/** What `ipam controller` (./controller-command.ts) does: runs until SIGTERM or SIGINT, or until it loses its Lease. */
export async function runController(ctx: CommandContext): Promise<Output> {
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
}

const option = (ctx: CommandContext, name: string): string | undefined => ctx.options[name] as string | undefined;
