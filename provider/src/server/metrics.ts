import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { IpamApi } from '../model/api';
import { Operation } from './routes';

/**
 * Prometheus metrics with seed 000's names. The pool gauges are computed from the engine's
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
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<'operation' | 'outcome'>;
  private readonly operations: Counter<'operation' | 'outcome'>;
  private readonly requests: Counter<'method' | 'route' | 'status'>;

  constructor(api: IpamApi) {
    const registers = [this.registry];
    const poolLabels = ['space', 'pool', 'kind'] as const;
    const total = new Gauge({ name: 'ipam_total_subnets', help: 'Blocks of the default size in the pool', labelNames: poolLabels, registers });
    const available = new Gauge({ name: 'ipam_available_subnets', help: 'Blocks of the default size not held by a live allocation', labelNames: poolLabels, registers });
    const allocated = new Gauge({ name: 'ipam_allocated_subnets', help: 'Live allocations of the pool', labelNames: poolLabels, registers });
    const utilization = new Gauge({ name: 'ipam_utilization_rate', help: 'Share of the pool addresses in use (0..1)', labelNames: poolLabels, registers });
    // One collect() fills all four from one listing, when Prometheus asks.
    new Gauge({
      name: 'ipam_pools',
      help: 'Pools in the store',
      registers,
      async collect() {
        const pools = await api.listPools();
        for (const gauge of [total, available, allocated, utilization]) gauge.reset();
        for (const pool of pools) {
          const labels = { space: pool.space, pool: pool.name, kind: pool.kind };
          allocated.set(labels, pool.stats.liveAllocations);
          utilization.set(labels, pool.stats.utilization);
          if (pool.stats.blocks !== undefined) {
            total.set(labels, Number(pool.stats.blocks.total));
            available.set(labels, Number(pool.stats.blocks.available));
          }
        }
        this.set(pools.length);
      },
    });
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
    collectDefaultMetrics({ register: this.registry, prefix: 'ipam_process_' });
  }

  observeOperation(operation: Operation, outcome: string, seconds: number): void {
    this.duration.observe({ operation, outcome }, seconds);
    this.operations.inc({ operation, outcome });
  }

  observeRequest(method: string, route: string, status: number): void {
    this.requests.inc({ method, route, status: String(status) });
  }
}
