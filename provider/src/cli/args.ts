/**
 * A small argument parser for `ipam`: options may stand anywhere on the line (global ones
 * too), `--name value` and `--name=value` both work, lists repeat, and `--` ends options.
 * Node's util.parseArgs cannot express "a flag with an optional value" (`--gateway` or
 * `--gateway 10.0.0.254`), which `pool create` needs.
 */
type OptionType = 'flag' | 'value' | 'list' | 'flag-or-value';

export interface OptionSpec {
  type: OptionType;
  /** For flag-or-value: does this token look like the option's value? */
  acceptsValue?: (token: string) => boolean;
  help: string;
  valueName?: string;
}

export type ParsedOptions = Record<string, string | boolean | string[] | undefined>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: string[], specs: Record<string, OptionSpec>): { positionals: string[]; options: ParsedOptions } {
  const positionals: string[] = [];
  const options: ParsedOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('--') || token === '-') {
      if (token.startsWith('-') && token.length > 1 && !/^-\d/.test(token)) {
        throw new UsageError(`unknown option ${token}; options are written --name`);
      }
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : token.slice(eq + 1);
    const spec = specs[name];
    if (spec === undefined) throw new UsageError(`unknown option --${name}${suggest(name, Object.keys(specs))}`);
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value (${spec.valueName ?? 'VALUE'})`);
      i += 1;
      return next;
    };
    switch (spec.type) {
      case 'flag':
        if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
        options[name] = true;
        break;
      case 'value':
        if (options[name] !== undefined) throw new UsageError(`--${name} is given twice`);
        options[name] = takeValue();
        break;
      case 'list':
        options[name] = [...((options[name] as string[] | undefined) ?? []), takeValue()];
        break;
      case 'flag-or-value': {
        const next = argv[i + 1];
        if (inline !== undefined) options[name] = inline;
        else if (next !== undefined && spec.acceptsValue?.(next)) {
          options[name] = next;
          i += 1;
        } else options[name] = true;
        break;
      }
    }
  }
  return { positionals, options };
}

function suggest(name: string, known: string[]): string {
  const close = known.filter((k) => k.startsWith(name.slice(0, 3)) || name.startsWith(k.slice(0, 3)));
  return close.length > 0 ? `; did you mean ${close.map((k) => `--${k}`).join(' or ')}?` : '';
}

/** "24h", "90m", "3600s", "7d" or a number of seconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (match === null) throw new UsageError(`--${option}: "${text}" is not a duration; write it like 3600, 90m, 24h or 7d`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

export function parseInteger(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--${option}: "${text}" is not a whole number`);
  // "08" is 8 to some tools and octal to others: ask for the plain form rather than guess.
  if (!/^(0|[1-9]\d*)$/.test(text.trim())) throw new UsageError(`--${option}: "${text}" has a leading zero; write ${Number(text)}`);
  return Number(text);
}

/** key=value pairs from repeated --label options. */
export function parseLabels(values: string[] | undefined): Record<string, string> | undefined {
  if (values === undefined) return undefined;
  const pairs = values.map((pair): [string, string] => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--label: "${pair}" is not key=value`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  });
  // fromEntries defines each key, where `labels[key] = value` would turn "__proto__" into a
  // prototype and drop it: the engine must see every key to apply its label rules.
  return Object.fromEntries(pairs);
}
