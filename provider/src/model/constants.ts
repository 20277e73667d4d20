/**
 * The model's enumerations and defaults as plain values. The zod schemas (./records.ts,
 * ./policy-types.ts) are built from these lists, so each is still written once; the engine's
 * checks and the `ipam` command read them here without loading zod (about a third of a
 * command's start-up), which only the HTTP service, the Pulumi faces and a policy's checks need.
 */

export const STRATEGIES = ['first-fit', 'best-fit'] as const;

/** How a quota counts its holders, and where. */
export const QUOTA_PERS = ['creator', 'group'] as const;
export const QUOTA_SCOPES = ['pool', 'space'] as const;

/** Kubernetes' label selector operators, in the order a normalised selector lists them. */
export const LABEL_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export const DEFAULT_SPACE = 'default';
export const DEFAULT_GRACE_SECONDS = 24 * 3600;
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;
