import { IpamError, isIpamError } from '../errors';
import { pulumiMessage } from './hints';
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
  /** Refresh; also import, where `props` is what fromId() makes of the ID and nothing else. */
  read(id: string, props: Props): Promise<{ id: string; props: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
  /**
   * The identity fields an ID stands for (`pulumi import`): "space/name" for a pool,
   * "space/pool/owner" for a claim's block ("space/name" for a claim that is a pool),
   * "space/pool/clientId" for a client address, "namespace/sliceName" for a slice.
   */
  fromId(id: string): Props;
}

/** The parts of an ID: the first `fixed` segments, then the rest (owner keys may hold "/"). */
export function idParts(id: string, fixed: number): string[] {
  const parts = id.split('/');
  return parts.length <= fixed ? parts : [...parts.slice(0, fixed), parts.slice(fixed).join('/')];
}

/** A refresh that finds the resource gone: Pulumi drops it from the state on an empty ID. */
export const GONE = { id: '', props: {} };

/** An IpamError as Pulumi shows it: an Error whose message starts with the code. */
export function pulumiError(e: IpamError): Error {
  return new Error(pulumiMessage(e));
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
