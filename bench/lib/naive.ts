import { RateSample, measureRate } from './measure';

/**
 * Times one of the reference designs' naive allocators on a given state: `allocated` is our allocator's list
 * of allocated blocks, as that allocator's caller would hand it over. Each call's answer is added to
 * the list (that allocator allocates in sequence, as we do). Returns the rate and the answers, which
 * must be what our first-fit gives next (assertSameAnswers), or the comparison would be between
 * different problems.
 */
export async function measureNaive(
  naive: (allocated: string[]) => string,
  held: string[],
  reps: number,
): Promise<{ sample: RateSample; answers: string[] }> {
  const allocated = [...held];
  const answers: string[] = [];
  const sample = await measureRate({ warmups: 1, reps, opsPerRep: 1 }, () => {
    const next = naive(allocated);
    allocated.push(next);
    answers.push(next);
  });
  return { sample, answers };
}

export function assertSameAnswers(naive: string[], ours: string[]): void {
  if (naive.join() !== ours.join()) {
    throw new Error(`the naive baseline and our allocator disagree: ${naive.join(', ')} vs ${ours.join(', ')}`);
  }
}
