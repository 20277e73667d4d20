import { isIpamError } from '../errors';
import { NetworkFacts } from '../net/facts';
import { CheckResult } from './check';
import { DiffResult } from './diff';
import { Props } from './values';

/** What Pulumi's dynamic provider host calls, per resource kind. */
export interface ResourceHandler {
  check(olds: Props, news: Props): Promise<CheckResult>;
  diff(id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  read(id: string, props: Props): Promise<{ id: string; props: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

/** A refresh that finds the resource gone: Pulumi drops it from the state on an empty ID. */
export const GONE = { id: '', props: {} };

/**
 * Runs a backend call for Pulumi: an IpamError becomes an Error whose message starts with its
 * code, which is what `pulumi up` prints; `tolerated` codes (already deleted, say) resolve to
 * undefined instead, so deletes and refreshes are idempotent.
 */
export async function backend<T>(call: () => Promise<T>, tolerated: string[] = []): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    if (isIpamError(e)) {
      if (tolerated.includes(e.code)) return undefined;
      throw new Error(`${e.code}: ${e.message}`);
    }
    throw e;
  }
}

export const str = (props: Props, name: string): string | undefined => props[name] as string | undefined;
export const num = (props: Props, name: string): number | undefined => props[name] as number | undefined;

/** The facts of a block that SubnetPool and SubnetPoolClaim output, under the same names. */
export function blockOutputs(facts: NetworkFacts): Props {
  const { network, netmask, prefixLength, firstHost, lastHost, size } = facts;
  return { network, netmask, prefixLength, firstHost, lastHost, size };
}
