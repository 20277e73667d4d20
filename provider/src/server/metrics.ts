import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { IpamApi } from '../model/api';
import { EngineObserver } from '../engine/instrumentation';
import { engineMetrics } from './engine-metrics';
import { Operation } from './route';

/**
 * Prometheus metrics with the names KubeSlice's IPAM uses. The pool gauges are computed from the engine's
 * statistics when Prometheus scrapes, never kept up to date by hand, so they cannot drift from
 * the allocations (and every replica reports the same figures, read from the shared store).
 *
 * Per pool (labels space, pool, kind):
 *   ipam_total_subnets      blocks of the pool's default size (slices: the subnet size); only
 *                           for pools that have one, as "subnet" means nothing without a size
 *   ipam_available_subnets  of those, blocks not held by a live allocation
 *   ipam_allocated_subnets  live allocations
 *   ipam_utilization_rate   share of the pool's addresses in use, 0 to 1
 * Per operation (allocate, release), by outcome (ok or the error code):
 *   ipam_allocation_duration_seconds (histogram) and ipam_allocations_total (counter).
 * Every refusal or failure of a request: ipam_http_errors_total{route, code}.
 * The engine's batches and commits: engine-metrics.ts.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<'operation' | 'outcome'>;
  private readonly operations: Counter<'operation' | 'outcome'>;
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly dropped: Counter;
  private readonly errors: Counter<'route' | 'code'>;
  /** Feeds the engine's batch and commit metrics (Ipam.observe). */
  readonly engine: EngineObserver;

  constructor(api: IpamApi) {
    const registers = [this.registry];
    const gauges: Gauge<'space' | 'pool' | 'kind'>[] = [];
    // prom-client collects every metric at once; the four pool gauges share one listing per scrape.
    let pending: Promise<void> | undefined;
    const refresh = (): Promise<void> =>
      (pending ??= api
        .listPools()
        .then((pools) => {
          const [total, available, allocated, utilization] = gauges;
          for (const gauge of gauges) gauge.reset();
          for (const pool of pools) {
            const labels = { space: pool.space, pool: pool.name, kind: pool.kind };
            allocated.set(labels, pool.stats.liveAllocations);
            utilization.set(labels, pool.stats.utilization);
            if (pool.stats.blocks !== undefined) {
              total.set(labels, Number(pool.stats.blocks.total));
              available.set(labels, Number(pool.stats.blocks.available));
            }
          }
        })
        .finally(() => (pending = undefined)));
    for (const [name, help] of [
      ['ipam_total_subnets', 'Blocks of the default size in the pool'],
      ['ipam_available_subnets', 'Blocks of the default size not held by a live allocation'],
      ['ipam_allocated_subnets', 'Live allocations of the pool'],
      ['ipam_utilization_rate', 'Share of the pool addresses in use (0..1)'],
    ]) {
      gauges.push(new Gauge({ name, help, labelNames: ['space', 'pool', 'kind'], registers, collect: refresh }));
    }
    this.duration = new Histogram({
      name: 'ipam_allocation_duration_seconds',
      help: 'Time to allocate or release, as the service saw it',
      labelNames: ['operation', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.operations = new Counter({
      name: 'ipam_allocations_total',
      help: 'Allocations and releases, by outcome (ok or the error code)',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.requests = new Counter({
      name: 'ipam_http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.dropped = new Counter({
      name: 'ipam_http_connections_dropped_total',
      help: 'Connections closed unanswered because the service already had its maximum of connections open',
      registers,
    });
    this.errors = new Counter({
      name: 'ipam_http_errors_total',
      help: 'Requests refused or failed, by route pattern and error code',
      labelNames: ['route', 'code'],
      registers,
    });
    this.engine = engineMetrics(this.registry);
    collectDefaultMetrics({ register: this.registry, prefix: 'ipam_process_' });
  }

  observeOperation(operation: Operation, outcome: string, seconds: number): void {
    this.duration.observe({ operation, outcome }, seconds);
    this.operations.inc({ operation, outcome });
  }

  observeRequest(method: string, route: string, status: number): void {
    this.requests.inc({ method, route, status: String(status) });
  }

  observeError(route: string, code: string): void {
    this.errors.inc({ route, code });
  }

  observeDroppedConnection(): void {
    this.dropped.inc();
  }
}
