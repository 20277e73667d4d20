import { IpamError } from '../errors';
import { ImportOutcome } from './import-result';
import { AllocationKind, AllocationStatus, PoolKind, Strategy } from './records';

/**
 * Bringing allocations in and out (`ipam import`, `ipam export`, IpamApi.importRecords).
 *
 * An export is a versioned JSON document of records as they are stored, each naming its address
 * space, so it can be imported into another backend and give the same export there. An import
 * sends rows (from that JSON, a CSV file or a NetBox export) with the line of the file each came
 * from, so every refusal names its line.
 */
export const EXPORT_FORMAT = 'pulumi-ipam/v1';

/** A pool as exported and imported: everything needed to recreate it. */
export interface PoolRow {
  /** The line of the imported file the row came from (refusals name it). */
  line?: number;
  space?: string;
  name: string;
  cidr: string;
  kind?: PoolKind;
  parent?: string;
  strategy?: Strategy;
  gateway?: string;
  reserved?: string[];
  defaultPrefixLength?: number;
  gracePeriodSeconds?: number;
  /** Owner key of the claim that carved the pool from its parent. */
  owner?: string;
  creator?: string;
  description?: string;
  labels?: Record<string, string>;
  createdAt?: string;
}

/** An allocation as exported and imported. */
export interface AllocationRow {
  line?: number;
  space?: string;
  pool: string;
  owner: string;
  /** A block; for a host allocation its /32 (/128), or the bare address. */
  cidr: string;
  /** Default: "host" for a bare address, else "prefix". */
  kind?: AllocationKind;
  /** Default "allocated". */
  status?: AllocationStatus;
  allocatedAt?: string;
  /** When a released allocation was released (its grace period runs from there). Default: now. */
  releasedAt?: string;
  /** Written by export for people (releasedAt plus the pool's grace period); import ignores it. */
  expiresAt?: string;
  creator?: string;
  description?: string;
  labels?: Record<string, string>;
}

/** The fields of a pool row and of an allocation row, in the order export writes them. */
export const POOL_FIELDS = ['space', 'name', 'kind', 'cidr', 'parent', 'strategy', 'gateway', 'reserved', 'defaultPrefixLength', 'gracePeriodSeconds', 'owner', 'creator', 'description', 'labels', 'createdAt'] as const;
export const ALLOCATION_FIELDS = ['space', 'pool', 'owner', 'cidr', 'kind', 'status', 'allocatedAt', 'releasedAt', 'expiresAt', 'creator', 'description', 'labels'] as const;

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  pools: PoolRow[];
  allocations: AllocationRow[];
}

/** One batch of rows for one address space, decided and committed together. */
export interface ImportInput {
  space?: string;
  pools?: PoolRow[];
  allocations?: AllocationRow[];
  /** Decide every row and report, but write nothing. */
  dryRun?: boolean;
  /** Write the rows that are accepted even when others are refused (default: nothing is written then). */
  skipInvalid?: boolean;
}

/** What a refused row reports of the error that refused it: its code, message, field and hint. */
export function refusal(error: IpamError): Pick<ImportOutcome, 'action' | 'code' | 'message' | 'field' | 'hint'> {
  return {
    action: 'refused',
    code: error.code,
    message: error.message,
    ...(error.field === undefined ? {} : { field: error.field }),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  };
}
