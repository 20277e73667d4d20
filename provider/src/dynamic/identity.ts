import { Props, isUnknown } from './values';

/**
 * Who a resource is, from its Pulumi URN: `urn:pulumi:<stack>::<project>::<parent types $ type>::<name>`.
 * The URN is unique in a stack (two children named "web" under different component types
 * differ), so defaults derived from it never collide; a plugin gets it from the engine, the
 * dynamic resources from the SDK (see URN_INPUT).
 */
export interface ResourceIdentity {
  stack: string;
  project: string;
  /** Types of the parents, outermost first (the stack itself is never one). */
  parentTypes: string[];
  type: string;
  name: string;
}

/**
 * The input under which the SDK hands a dynamic resource its own URN: a dynamic provider is
 * never told it. Check takes it out, so it never reaches the state.
 */
export const URN_INPUT = '__urn';

export function parseUrn(urn: string): ResourceIdentity {
  const match = /^urn:pulumi:(.*?)::(.*?)::(.*?)::(.*)$/s.exec(urn);
  // Cannot happen: the Pulumi engine names every resource by its URN. A plain Error (a bug).
  if (match === null) throw new Error(`not a Pulumi URN: ${JSON.stringify(urn)}`);
  const [, stack, project, qualifiedType, name] = match;
  const types = qualifiedType.split('$');
  return { stack, project, parentTypes: types.slice(0, -1), type: types[types.length - 1], name };
}

/**
 * The default owner key of a claim: project/stack/name at the top level (the key earlier
 * versions gave, so their claims keep their blocks), with the parent types in between for a
 * child: `acme/prod/acme:net:Frontend/web`.
 */
export function defaultOwner(id: ResourceIdentity): string {
  return [id.project, id.stack, ...id.parentTypes, id.name].join('/');
}

/** The creator recorded on what a stack makes: `pulumi:<project>/<stack>`. */
export function stackCreator(id: ResourceIdentity): string {
  return `pulumi:${id.project}/${id.stack}`;
}

/**
 * Fills each field the program left out: with what the resource already had (so a rename with
 * an alias, a `pulumi stack rename` or a changed ipam:namespace moves nothing), else with the
 * default. A field the program names always wins.
 */
export function keepOrDefault(olds: Props, news: Props, defaults: Record<string, () => unknown>): Props {
  const filled = { ...news };
  for (const [name, fallback] of Object.entries(defaults)) {
    if (filled[name] !== undefined && filled[name] !== null) continue;
    const old = olds[name];
    filled[name] = old !== undefined && old !== null && !isUnknown(old) ? old : fallback();
  }
  return filled;
}
