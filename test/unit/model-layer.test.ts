import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * model/ holds the one description of every input and output (zod), which the engine, the HTTP
 * service, the Pulumi provider, schema.json and the SDK all read: it must stay below them, so it
 * imports only the error catalogue, net and zod (and itself).
 */
const MODEL = join(__dirname, '..', '..', 'provider', 'src', 'model');
// ../errors/catalogue: the list of codes (an import's refusals name theirs), apart so a process loads it only when it needs it.
const ALLOWED = [/^\.\/[a-z-]+$/, /^\.\.\/errors(\/catalogue)?$/, /^\.\.\/net\/[a-z-]+$/, /^zod$/];

describe('model layer', () => {
  it('imports only errors, net, zod and model itself', () => {
    const imports = readdirSync(MODEL)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [...readFileSync(join(MODEL, file), 'utf8').matchAll(/^import[^;]*? from '([^']+)';/gms)].map((m) => ({ file, from: m[1] })));
    expect(imports.length).to.be.greaterThan(10);
    expect(imports.filter(({ from }) => !ALLOWED.some((allowed) => allowed.test(from)))).to.deep.equal([]);
  });
});
