/**
 * Timing with warm-up and repetitions. These machines are shared and noisy: one run is an
 * anecdote, the median of several is a figure, and the spread is reported so a reader can see
 * how noisy the run was.
 */
export interface RateSample {
  /** Operations per second, median of the repetitions. */
  median: number;
  min: number;
  max: number;
  /** Every repetition's rate, in the order they ran. */
  runs: number[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface RateOptions {
  /** Untimed repetitions first: JIT compilation and caches settle. */
  warmups: number;
  reps: number;
  /** Operations one repetition performs (the rate is ops / seconds). */
  opsPerRep: number;
  /** Untimed work before every repetition, such as putting the state back where it started. */
  prepare?: () => void;
}

/** Runs `rep` warmups + reps times and returns the median rate over the timed repetitions. */
export async function measureRate(options: RateOptions, rep: () => void | Promise<void>): Promise<RateSample> {
  for (let i = 0; i < options.warmups; i++) {
    options.prepare?.();
    await rep();
  }
  const runs: number[] = [];
  for (let i = 0; i < options.reps; i++) {
    options.prepare?.();
    const started = performance.now();
    await rep();
    const seconds = (performance.now() - started) / 1000;
    runs.push(options.opsPerRep / seconds);
  }
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs: runs.map(Math.round) };
}

/** Progress for the person watching: stderr, so stdout stays one JSON figure per line. */
export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}
