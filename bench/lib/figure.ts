/**
 * The contract between bench/run.ts and the figure files: each figure is one plain JSON object
 * printed on its own line. A figure with a target says so in `target` (a comparison a person
 * can read, like ">= 100000") and whether this run met it in `met`. A figure measured against a
 * baseline in the same run gives `baseline` (a number), `baselineName` (what it is) and `ratio`
 * (value / baseline, unless `ratioOf` says otherwise).
 */
export type Figure = Record<string, unknown>;

export type Report = (figure: Figure) => void;

export interface Target {
  /** The figure must be at least this... */
  atLeast?: number;
  /** ...or below this. */
  below?: number;
}

/** `target` and `met` fields for a figure's value. */
export function judge(value: number, target: Target): { target: string; met: boolean } {
  if (target.atLeast !== undefined) return { target: `>= ${target.atLeast}`, met: value >= target.atLeast };
  if (target.below !== undefined) return { target: `< ${target.below}`, met: value < target.below };
  throw new Error('a target needs atLeast or below');
}

/** Rounds for reading: rates to whole numbers, small ratios to 3 significant digits. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}
