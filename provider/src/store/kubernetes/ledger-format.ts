import { IpamError } from '../../errors';
import { LEDGER_ENCODING, decodeLedger, encodeLedger } from './ledger-codec';
import type { LedgerSpec } from './ledger-spec';

/**
 * The spec of an IpamLedger object as stored. Two formats are read:
 *   - the compact one, written by this release: `encoding` names the codec (ledger-codec.ts),
 *     `data` holds the records; `version`, `poolCount` and `allocationCount` stay readable for
 *     kubectl (the VERSION column, `-o jsonpath='{.spec.allocationCount}'`);
 *   - the record lists of earlier releases (`pools`, `allocations`, `revisions`, `audit` as JSON),
 *     read as they are: the namespace's next commit writes it back in the compact format.
 * Every commit writes the compact one.
 */
export interface StoredLedgerSpec {
  version: number;
  encoding: string;
  data: string;
  poolCount: number;
  allocationCount: number;
}

export function storedSpec(spec: LedgerSpec): StoredLedgerSpec {
  const { version, pools, allocations, revisions, audit } = spec;
  return { version, encoding: LEDGER_ENCODING, data: encodeLedger({ pools, allocations, revisions, audit }), poolCount: pools.length, allocationCount: allocations.length };
}

/** The ledger a stored spec holds, in either format. */
export function readStoredSpec(space: string, stored: Record<string, unknown> | undefined): LedgerSpec {
  const empty: LedgerSpec = { version: 0, pools: [], allocations: [], revisions: {}, audit: [] };
  const spec = stored ?? {};
  if (spec.encoding === undefined) return { ...empty, ...(spec as Partial<LedgerSpec>) };
  const where = `address space "${space}": the IpamLedger "ledger" in namespace "${space}"`;
  if (spec.encoding !== LEDGER_ENCODING) {
    throw new IpamError(
      'STORE_UNAVAILABLE',
      `${where} is in the format "${String(spec.encoding)}", which this release of pulumi-ipam cannot read; ` +
        'upgrade pulumi-ipam (every Pulumi stack, `ipam` command and controller that writes this namespace)',
    );
  }
  try {
    return { ...empty, version: Number(spec.version), ...decodeLedger(String(spec.data)) };
  } catch (e) {
    throw new IpamError('STATE_CORRUPTED', `${where} cannot be decoded (${(e as Error).message}); it was edited by hand or damaged: restore it from a backup`);
  }
}
