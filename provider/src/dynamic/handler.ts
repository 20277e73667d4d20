import { IpamError, isIpamError } from '../errors';
import { NetworkFacts } from '../net/facts';
import { CheckResult } from './check';
import { DiffResult } from './diff';
import { Props } from './values';

/**
 * What Pulumi calls, per resource kind. `urn` is the resource's own URN: the engine sends it to
 * a provider plugin; for the dynamic resources the SDK passes it along with the inputs.
 */
export interface ResourceHandler {
  check(urn: string | undefined, olds: Props, news: Props): Promise<CheckResult>;
  diff(id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  read(id: string, props: Props): Promise<{ id: string; props: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

/** A refresh that finds the resource gone: Pulumi drops it from the state on an empty ID. */
export const GONE = { id: '', props: {} };

/** An IpamError as Pulumi shows it: an Error whose message starts with the code. */
export function pulumiError(e: IpamError): Error {
  return new Error(`${e.code}: ${e.message}`);
}

/**
 * Runs a backend call for Pulumi: an IpamError becomes the error `pulumi up` prints; `tolerated`
 * codes (already deleted, say) resolve to undefined instead, so deletes and refreshes are
 * idempotent.
 */
export async function backend<T>(call: () => Promise<T>, tolerated: string[] = []): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    if (isIpamError(e)) {
      if (tolerated.includes(e.code)) return undefined;
      throw pulumiError(e);
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
