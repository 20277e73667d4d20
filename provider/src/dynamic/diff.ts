import { ResourceKind, SPECS } from './specs';
import { Props, isUnknown, sameValue } from './values';

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  /** Which inputs changed, replacing or not, for the preview's detail. */
  diffs: string[];
  deleteBeforeReplace: boolean;
}

/**
 * Compares the new inputs with the old state (whose outputs echo the old inputs). Identity
 * fields replace; the rest update in place. An input not known yet at preview counts as
 * changed, so an identity field that may change shows as a replacement, never a surprise.
 * `collides(olds, news)` says whether old and new would hold the same name or owner key at
 * once, in which case the old one must go first.
 */
export function diffInputs(kind: ResourceKind, olds: Props, news: Props, collides: (olds: Props, news: Props) => boolean): DiffResult {
  const diffs: string[] = [];
  const replaces: string[] = [];
  for (const [name, field] of Object.entries(SPECS[kind].inputs)) {
    const next = news[name];
    if (field.computed && next === undefined) continue;
    if (!isUnknown(next) && sameValue(olds[name], next)) continue;
    diffs.push(name);
    if (field.replace) replaces.push(name);
  }
  return {
    changes: diffs.length > 0,
    replaces,
    diffs,
    deleteBeforeReplace: replaces.length > 0 && collides(olds, news),
  };
}
