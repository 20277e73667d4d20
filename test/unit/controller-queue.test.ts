import { expect } from 'chai';
import { NamespaceQueue } from '../../provider/src/controller/queue';

/** The controller's work queue: one pass per namespace however many events, bounded retries with doubling backoff. */
describe('controller work queue', () => {
  it('folds events for a namespace that is already queued into one pass', async () => {
    const passes: string[] = [];
    const queue = new NamespaceQueue(async (ns) => void passes.push(ns), () => undefined);
    queue.add('a');
    queue.add('b');
    queue.add('b');
    queue.add('a');
    await queue.idle();
    // 'a' started at once; the second 'a' arrived while it ran and is one more pass, the 'b's are one.
    expect(passes).to.deep.equal(['a', 'b', 'a']);
    await queue.stop();
  });

  it('retries a failing pass after a doubling backoff, at most `attempts` times, then waits for the next event', async () => {
    const started = Date.now();
    const attempts: number[] = [];
    const failures: [number, number | undefined][] = [];
    const queue = new NamespaceQueue(
      async () => {
        attempts.push(Date.now() - started);
        throw new Error('API server unreachable');
      },
      (_ns, _e, attempt, retryInMs) => failures.push([attempt, retryInMs]),
      { baseMs: 20, maxMs: 60, attempts: 4 },
    );
    queue.add('team-a');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(failures).to.deep.equal([
      [1, 20],
      [2, 40],
      [3, 60],
      [4, undefined],
    ]);
    expect(attempts).to.have.length(4);
    for (const [i, gap] of [20, 40, 60].entries()) expect(attempts[i + 1] - attempts[i]).to.be.at.least(gap - 5);
    await queue.stop();
  });
});
