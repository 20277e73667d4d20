import { expect } from 'chai';
import { Hint, IpamError } from '../../provider/src/errors';

/**
 * Awaits a promise that must fail with this IpamError code and, when given, this exact message
 * and this hint (the structure each face words its own way: `ipam pool list`, GET .../pools).
 */
export async function expectIpamError(promise: Promise<unknown>, code: string, message?: string, hint?: Hint): Promise<IpamError> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${code}, got success`).to.be.instanceOf(Error);
  const e = error as IpamError;
  expect({ code: e.code, message: message === undefined ? undefined : e.message, hint: hint === undefined ? undefined : e.hint }).to.deep.equal({
    code,
    message,
    hint,
  });
  return e;
}
