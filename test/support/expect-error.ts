import { expect } from 'chai';
import { IpamError } from '../../provider/src/errors';

/** Awaits a promise that must fail with this IpamError code and, when given, this exact message. */
export async function expectIpamError(promise: Promise<unknown>, code: string, message?: string): Promise<IpamError> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${code}, got success`).to.be.instanceOf(Error);
  const e = error as IpamError;
  expect({ code: e.code, message: message === undefined ? undefined : e.message }).to.deep.equal({ code, message });
  return e;
}
