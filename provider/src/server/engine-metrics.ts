import { Counter, Histogram, Registry } from 'prom-client';
import { CommitOutcome, EngineObserver } from '../engine/instrumentation';

/**
 * The engine's batches and commits as Prometheus metrics:
 *   ipam_engine_batch_operations          (histogram) operations decided together in one batch;
 *                                         a batch that writes shares one commit among them
 *   ipam_store_commits_total{outcome}     compare-and-swap commits: committed, conflict (lost the
 *                                         race to another writer: the batch is decided again, so
 *                                         this counts retries), refused, failed
 *   ipam_store_commit_duration_seconds{outcome}  (histogram) time of one commit
 */
export function engineMetrics(registry: Registry): EngineObserver {
  const registers = [registry];
  const batches = new Histogram({
    name: 'ipam_engine_batch_operations',
    help: 'Operations decided together in one engine batch (those that write share one commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers,
  });
  const commits = new Counter<'outcome'>({
    name: 'ipam_store_commits_total',
    help: 'Store commits by outcome: committed, conflict (another writer won the race; the batch is retried), refused, failed',
    labelNames: ['outcome'],
    registers,
  });
  const duration = new Histogram<'outcome'>({
    name: 'ipam_store_commit_duration_seconds',
    help: 'Time of one store commit (one compare-and-swap), by outcome',
    labelNames: ['outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  // Every outcome from the start: a dashboard's retry rate reads 0, not "no data", until the first conflict.
  for (const outcome of OUTCOMES) commits.inc({ outcome }, 0);
  return {
    batch: (_space, operations) => batches.observe(operations),
    commit: (_space, outcome, seconds) => {
      commits.inc({ outcome });
      duration.observe({ outcome }, seconds);
    },
  };
}

const OUTCOMES: CommitOutcome[] = ['committed', 'conflict', 'refused', 'failed'];
