import { expect } from 'chai';
import { IpamError, errors } from '../../provider/src/errors';
import { checkPolicy, creatorMatches, missingLabels } from '../../provider/src/model/policy';
import { checkSelector, matchesSelector, parseSelector } from '../../provider/src/model/selector';

/** The pure parts of pool policy: selectors (text, map, LabelSelector), creator patterns, policy checks. */
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return `${(e as IpamError).code}: ${(e as IpamError).message}`;
  }
  throw new Error('expected a refusal');
};

describe('pool selectors', () => {
  it('normalise the three ways of writing one to the same sorted text', () => {
    const text = 'zone=a,env in (staging,prod),!legacy,tier';
    expect(checkSelector(text)).to.equal('env in (prod,staging),!legacy,tier,zone=a');
    expect(checkSelector({ zone: 'a', env: 'prod' })).to.equal('env=prod,zone=a');
    expect(checkSelector({ matchLabels: { zone: 'a' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] })).to.equal('env!=dev,zone=a');
    expect(checkSelector('zone == a')).to.equal('zone=a');
  });

  it('match as Kubernetes label selectors do (NotIn and != match a missing key)', () => {
    const labels = { zone: 'a', env: 'prod' };
    const cases: [string, boolean][] = [
      ['zone=a', true],
      ['zone=b', false],
      ['zone in (a,b)', true],
      ['zone notin (a)', false],
      ['tier!=db', true],
      ['env', true],
      ['!env', false],
      ['!tier,zone=a', true],
    ];
    expect(cases.map(([s]) => [s, matchesSelector(parseSelector(s), labels)])).to.deep.equal(cases);
    expect(matchesSelector(parseSelector('zone=a'), undefined)).to.equal(false);
  });

  it('refuse what cannot be a selector, naming the problem', () => {
    expect(refusal(() => checkSelector('zone=a,,env'))).to.equal('INVALID_INPUT: poolSelector: "zone=a,,env" has an empty requirement; separate requirements with single commas');
    expect(refusal(() => checkSelector("zone>1"))).to.equal('INVALID_INPUT: poolSelector: "zone>1" is not a label key; give a key without spaces, commas, parentheses, "=", "!", "<" or ">"');
    expect(refusal(() => checkSelector({ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1'] }] }))).to.equal(
      'INVALID_INPUT: poolSelector.matchExpressions[0].operator: "Gt" is not an operator; use In, NotIn, Exists, DoesNotExist',
    );
    expect(refusal(() => checkSelector({ zone: 'a b' }))).to.equal('INVALID_INPUT: poolSelector.zone: "a b" is not a label value for "zone"; give text without spaces, commas, parentheses, "=" or "!"');
    expect(refusal(() => checkSelector(42))).to.contain('INVALID_INPUT: poolSelector: 42 is not a pool selector;');
  });
});

describe('pool policy checks', () => {
  it('creator patterns: * stands for any run of characters', () => {
    const cases: [string, string, boolean][] = [
      ['pulumi:acme/*', 'pulumi:acme/dev', true],
      ['pulumi:acme/*', 'pulumi:other/dev', false],
      ['k8s:team-a/*', 'k8s:team-a/SubnetPoolClaim/web', true],
      ['*', 'ci', true],
      ['ci', 'ci-2', false],
      ['pulumi:*/prod', 'pulumi:acme/prod', true],
      ['a*b*c', 'abc', true],
      ['a*b*c', 'acb', false],
    ];
    expect(cases.map(([p, c]) => [p, c, creatorMatches(p, c)])).to.deep.equal(cases);
  });

  it('missing labels name each required key, and the value when one is required', () => {
    const policy = { requiredLabels: ['team', 'env=prod'] };
    expect(missingLabels(policy, { team: 'x', env: 'prod' })).to.deep.equal([]);
    const missing = missingLabels(policy, { env: 'dev' });
    expect(missing).to.deep.equal([{ key: 'team' }, { key: 'env', value: 'prod', has: 'dev' }]);
    // As the catalogue words them in the refusal.
    expect(errors.POLICY_LABEL_MISSING({ pool: 'p', space: 'default', required: policy.requiredLabels, missing }).message).to.equal(
      'labels: pool "p" in address space "default" requires "team", "env=prod" on every claim (its rule requiredLabels), and this claim lacks ' +
        'label "team", label "env" = "prod" (it has "dev"); add the label to the claim\'s labels',
    );
  });

  it('normalise quotas with their defaults and refuse what cannot hold', () => {
    expect(checkPolicy({ quotas: [{ name: 'q', maxAddresses: 1024 }], requiredLabels: ['b', 'a', 'b'] }, 16, 32)).to.deep.equal({
      requiredLabels: ['a', 'b'],
      quotas: [{ name: 'q', creators: '*', per: 'creator', scope: 'pool', maxAddresses: '1024' }],
    });
    expect(refusal(() => checkPolicy({ quotas: [{ name: 'q', maxBlocks: 1 }, { name: 'q', maxBlocks: 2 }] }, 16, 32))).to.equal(
      'INVALID_INPUT: quotas[1].name: quota "q" is given twice; give each quota its own name',
    );
    expect(refusal(() => checkPolicy({ quotas: [{ name: 'q', maxAddresses: '1e3' }] }, 16, 32))).to.equal(
      'INVALID_INPUT: quotas[0].maxAddresses: "1e3" is not a number of addresses; give a whole number like "1024"',
    );
    expect(refusal(() => checkPolicy({ minPrefix: 20 }, 16, 32))).to.equal(
      'INVALID_INPUT: policy.minPrefix: not a policy field; use minPrefixLength, maxPrefixLength, requiredLabels, allowedCreators, quotas',
    );
    expect(checkPolicy({}, 16, 32)).to.equal(undefined);
  });
});
