import { expect } from 'chai';
import { Step } from './local-stack';

/** What a preview or an up did, one line per resource, as `pulumi preview` lists it: "replace web [pool] delete-first". */
export const summary = (steps: Step[]): string[] =>
  steps
    .map((s) => `${s.op} ${s.name}${s.replaces ? ` [${s.replaces.join(',')}]${s.deleteBeforeReplace ? ' delete-first' : ''}` : ''}`)
    .sort();

/** Awaits a run that must fail; its message, as `pulumi up` prints it. */
export async function failure(run: Promise<unknown>): Promise<string> {
  const error = await run.then(() => undefined, (e: Error) => e);
  expect(error, 'expected the run to fail').to.be.instanceOf(Error);
  return (error as Error).message;
}
