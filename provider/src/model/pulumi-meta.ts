import { z } from 'zod';

/**
 * What Pulumi needs to know about a resource input or a provider setting beyond its type and
 * description, kept as zod metadata in a registry of its own (so it never leaks into the JSON
 * Schemas that zod writes for the HTTP service).
 */
export interface PulumiMeta {
  /** A change replaces the resource (an identity field): diff says "replace", schema.json replaceOnChanges. */
  replace?: true;
  /**
   * Optional input whose output the provider computes when it is omitted (a claim's cidr, its
   * prefixLength): omitting it later is no change; giving a value that differs is.
   */
  computed?: true;
  /** Filled in when omitted (e.g. from the resource name), so it is known at preview: what it defaults to. */
  defaulted?: string;
  /** Pulumi keeps the value encrypted in state and config (a token, a kubeconfig). */
  secret?: true;
  /** A provider setting: the environment variable read when the stack config does not set it. */
  environment?: string;
}

const pulumiMeta = z.registry<PulumiMeta>();

/** `schema` with its description and its Pulumi metadata: a fresh schema, so shared parts never share metadata. */
export function described<T extends z.ZodType>(schema: T, description: string, meta: PulumiMeta = {}): T {
  const copy = schema.describe(description) as T;
  pulumiMeta.add(copy, meta);
  return copy;
}

export function metaOf(schema: z.ZodType): PulumiMeta {
  return pulumiMeta.get(schema) ?? {};
}
