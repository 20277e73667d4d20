import { expect } from 'chai';
import { IpamError } from '../../provider/src/errors';
import { checkName } from '../../provider/src/model/validate';

const RULE = 'is not a valid name; use 1 to 63 lowercase letters, digits, "-" or ".", where each part between dots starts and ends with a letter or digit';

function refusal(value: unknown): IpamError {
  try {
    checkName(value, 'pool');
  } catch (e) {
    return e as IpamError;
  }
  throw new Error(`checkName accepted ${JSON.stringify(value)}`);
}

describe('checkName: the last valid name remembered', () => {
  // checkName skips the pattern for the name that passed last (every allocation names its
  // pool): whatever differs from that name in a way the rule cares about must still be refused.
  it('refuses, right after a valid name passed, every near miss of it, with the message naming the field', () => {
    for (const text of ['good ', 'Good', 'good\n', ' good', 'go..od', 'good-']) {
      expect(checkName('good', 'pool')).to.equal('good');
      const error = refusal(text);
      expect(error.code, JSON.stringify(text)).to.equal('INVALID_INPUT');
      expect(error.message).to.equal(`pool: ${JSON.stringify(text)} ${RULE}`);
    }
  });

  it('refuses what is not a string even when it prints as the valid name', () => {
    for (const value of [new String('good'), ['good'], { toString: () => 'good' }]) {
      expect(checkName('good', 'pool')).to.equal('good');
      const error = refusal(value);
      expect(error.code).to.equal('INVALID_INPUT');
      expect(error.message).to.match(/^pool: .* is not a valid name; /);
    }
  });

  it('still accepts the valid name, and another one, after refusals', () => {
    refusal('Good');
    expect(checkName('good', 'pool')).to.equal('good');
    expect(checkName('other.pool', 'pool')).to.equal('other.pool');
    expect(checkName('good', 'parent')).to.equal('good');
  });
});
