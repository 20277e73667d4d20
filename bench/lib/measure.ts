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
  return rateSample(runs);
}

function rateSample(runs: number[]): RateSample {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs: runs.map(Math.round) };
}

/** Progress for the person watching: stderr, so stdout stays one JSON figure per line. */
export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

export interface PairedOptions {
  /** Untimed rounds first, every contestant in each: JIT compilation and caches settle. */
  warmups: number;
  rounds: number;
  /** Operations each contestant performs in one round (the rate is ops / seconds). */
  opsPerRound: number;
}

/**
 * One contestant's rates per second of this process's CPU time, round by round, and their
 * median; `wall` the same per second of wall-clock time.
 */
export interface PairedSample extends RateSample {
  name: string;
  wall: RateSample;
}

/**
 * Runs the contestants in turn, round after round, so each round's rates were taken within a
 * fraction of a second of each other, with the JIT equally warm: a ratio of two of them is
 * paired. The order is reversed every other round (A B C, C B A, ...), so neither side always
 * runs first after the other's garbage. Rates are per second of the process's CPU time (its
 * garbage collector's threads included): on a machine shared with other work, a round of tens
 * of milliseconds can lose half its wall-clock time to another process, but not its CPU time.
 */
export async function measurePaired(
  options: PairedOptions,
  contestants: { name: string; round: (round: number) => void | Promise<void> }[],
): Promise<PairedSample[]> {
  const cpu = contestants.map(() => [] as number[]);
  const wall = contestants.map(() => [] as number[]);
  for (let round = 0; round < options.warmups + options.rounds; round++) {
    const order = contestants.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const [startedWall, startedCpu] = [performance.now(), process.cpuUsage()];
      await contestants[i].round(round);
      const used = process.cpuUsage(startedCpu);
      if (round < options.warmups) continue;
      cpu[i].push(options.opsPerRound / ((used.user + used.system) / 1e6));
      wall[i].push(options.opsPerRound / ((performance.now() - startedWall) / 1000));
    }
  }
  return contestants.map(({ name }, i) => ({ name, ...sampleOf(cpu[i]), wall: sampleOf(wall[i]) }));
}

function sampleOf(rates: number[]): RateSample {
  return { median: median(rates), min: Math.min(...rates), max: Math.max(...rates), runs: rates.map(Math.round) };
}

/** Round-by-round ratios of two paired samples (a's rate / b's), their median and spread. */
export function pairedRatios(a: RateSample, b: RateSample): { median: number; min: number; max: number; ratios: number[] } {
  const ratios = a.runs.map((rate, i) => rate / b.runs[i]);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), ratios };
}

export interface SlicedSample {
  /** The figure's own rates... */
  measured: RateSample;
  /** ...its baseline's, timed in the same slices of time... */
  baseline: RateSample;
  /** ...and the median of the repetitions' ratios (measured / baseline), with every repetition's. */
  ratio: number;
  ratios: number[];
}

/**
 * A figure and its baseline timed in the same moments: each repetition alternates them,
 * baseline then figure, in `slices` slices of opsPerRep / slices operations, and adds up each
 * one's time. On a disk shared with other work, fsync latency changes several-fold within
 * seconds, so a baseline timed before the figure (or in whole repetitions beside it) compares
 * two different disks; slices a fraction of a second long meet the same one.
 */
export async function measureInSlices(
  options: Omit<RateOptions, 'prepare'> & { slices: number },
  measured: (ops: number) => void | Promise<void>,
  baseline: (ops: number) => void | Promise<void>,
): Promise<SlicedSample> {
  const perSlice = Math.ceil(options.opsPerRep / options.slices);
  const elapsed = async (run: (ops: number) => void | Promise<void>): Promise<number> => {
    const started = performance.now();
    await run(perSlice);
    return performance.now() - started;
  };
  const pairs: [number, number][] = [];
  for (let i = 0; i < options.warmups + options.reps; i++) {
    let [baselineMs, measuredMs] = [0, 0];
    for (let slice = 0; slice < options.slices; slice++) {
      baselineMs += await elapsed(baseline);
      measuredMs += await elapsed(measured);
    }
    const ops = perSlice * options.slices;
    if (i >= options.warmups) pairs.push([ops / (baselineMs / 1000), ops / (measuredMs / 1000)]);
  }
  const ratios = pairs.map(([b, m]) => m / b);
  return { measured: rateSample(pairs.map(([, m]) => m)), baseline: rateSample(pairs.map(([b]) => b)), ratio: median(ratios), ratios };
}
