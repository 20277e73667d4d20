import { at, cases, entry, plain } from './define';
import { RESERVED_LABEL_KEY, codePointName, quote } from './text';
import { TRANSFER_CASES } from './transfer-cases';
import { VIEW_INPUT_CASES } from './view-cases';
import { POLICY_INPUT_CASES, POLICY_PREFIX_CASES } from './policy-cases';

/** Input that cannot be understood. Nothing was changed. */

/** What must be printable text, as a message names it. */
export type PrintableText = 'owner-key' | 'label-key' | 'label-value' | 'description' | 'required-label' | 'creator-pattern';
const PRINTABLE: Record<PrintableText, string> = {
  'owner-key': 'an owner key',
  'label-key': 'a label key',
  'label-value': 'a label value',
  description: 'a description',
  'required-label': 'a required label',
  'creator-pattern': 'a creator pattern',
};

/** The fields only a pool carved from a parent takes, and what each means there. */
export type ChildOnlyField = 'prefixLength' | 'prefer' | 'owner';
const CHILD_ONLY: Record<ChildOnlyField, string> = {
  prefixLength: 'the size of the block to carve',
  prefer: 'a block to try first',
  owner: 'the claim that carves it',
};


/** An answer that is not from an ipam service: said alike whether the status was 4xx or 5xx. */
export const noProblemDetails = (p: { server: string; method: string; path: string; status: number }) =>
  at('server', `${p.server} answered ${p.method} ${p.path} with HTTP ${p.status} and no problem details; is it an ipam service?`);

const OUTSIDE_IPV4_ALIASES = 'use IPv6 outside ::/96 and ::ffff:0:0/96';

/** An IPv6 alias of IPv4: the block it lies in, and its name ("IPv4-mapped"). */
export interface Ipv4Alias {
  block: string;
  name: string;
}

export const INPUT_CODES = {
  INVALID_INPUT: entry(
    400,
    'Invalid input',
    cases({
      name: (p: { field: string; value: unknown; max: number }) =>
        at(
          p.field,
          `${quote(p.value)} is not a valid name; use 1 to ${p.max} lowercase letters, digits, "-" or ".", where each part between dots starts and ends with a letter or digit`,
        ),
      space: (p: { field: string; value: unknown }) =>
        at(p.field, `${quote(p.value)} is not a valid address space name; use 1 to 63 lowercase letters, digits or "-", starting and ending with a letter or digit`),
      owner: (p: { field: string; value: unknown; max: number }) =>
        at(p.field, `${quote(p.value)} is not a valid owner key; give 1 to ${p.max} printable characters (e.g. the stack and resource name)`),
      unprintable: (p: { field: string; value: string; character: string; position: number; what: PrintableText }) =>
        at(
          p.field,
          `${quote(p.value)} holds ${codePointName(p.character)} at position ${p.position}, a control or invisible character; ${PRINTABLE[p.what]} must be printable text, so remove it`,
        ),
      strategy: (p: { value: unknown; strategies: readonly string[] }) =>
        at('strategy', `${quote(p.value)} is not a strategy; use one of ${p.strategies.join(', ')}`),
      'labels-shape': () => at('labels', 'give an object of string keys to string values, like {"team": "net"}'),
      'label-key-reserved': (p: { key: string }) => at(`labels.${p.key}`, RESERVED_LABEL_KEY),
      description: (p: { max: number }) => at('description', `give a text of at most ${p.max} characters`),
      'gateway-shape': () => at('gateway', 'give true (the first host) or an address inside the pool'),
      'reserved-shape': () => at('reserved', 'give a list of CIDRs or address ranges'),
      'reserved-entry-shape': (p: { field: string }) => at(p.field, 'give a CIDR like 10.0.0.0/28 or a range like 10.0.0.1-10.0.0.9'),
      'range-parts': (p: { field: string; entry: string }) =>
        at(p.field, `${quote(p.entry)} is not a range; write two addresses joined by one "-", like 10.0.0.1-10.0.0.9`),
      'range-order': (p: { field: string; entry: string }) => at(p.field, `${quote(p.entry)} is not a range; write the lower address first, both of one family`),
      'allocation-kind': (p: { value: unknown }) => at('kind', `${quote(p.value)} is not an allocation kind; use "prefix" (a block) or "host" (one address)`),
      'host-with-cidr': () => at('cidr', 'a host allocation takes an address, not a cidr; use address'),
      'host-with-prefix-length': () => at('prefixLength', 'a host allocation is always one address; leave prefixLength out'),
      'block-with-address': () => at('address', 'only host allocations take an address; use cidr for a block, or kind "host"'),
      'child-only': (p: { field: ChildOnlyField }) =>
        at(p.field, `only a pool carved from a parent takes ${p.field} (${CHILD_ONLY[p.field]}); leave it out, or give parent`),
      'clusters-shape': () => at('clusters', 'give a list of cluster names'),
      /** `field` is what the face points at: the entry (engine) or the whole list (a Pulumi input). */
      'duplicate-cluster': (p: { index: number; cluster: string; field: string }) =>
        plain(`clusters[${p.index}]: duplicate cluster name in allocations: "${p.cluster}" is listed twice`, p.field),
      // The HTTP service's refusals of a request's shape.
      'unknown-field': (p: { field: string; where: string; known: string[] }) =>
        at(p.field, `unknown field; ${p.known.length === 0 ? `${p.where} takes no fields here` : `${p.where} fields are: ${p.known.join(', ')}`}`),
      /** A schema's own words for a value of the wrong shape (zod's message, without its generic lead). */
      schema: (p: { field: string; issue: string }) => at(p.field, p.issue),
      'percent-encoding': (p: { field: string; segment: string }) => at(p.field, `${JSON.stringify(p.segment)} is not valid percent-encoding`),
      expect: (p: { value: string }) => at('expect', `${JSON.stringify(p.value)} is not supported; send no Expect header, or "100-continue"`),
      'no-body': (p: { method: string; path: string }) => at('body', `${p.method} ${p.path} takes no body`),
      'no-problem-details': noProblemDetails,
      /** The Pulumi plugin asked for a resource type it does not serve. */
      'resource-type': (p: { type: string; served: string[] }) => plain(`unknown resource type ${p.type}; this provider serves ${p.served.join(', ')}`, 'type'),
      // Choosing and reaching a backend.
      'foreign-state-file': (p: { file: string; tables: string[] }) =>
        at(
          'state',
          `${p.file} is not a pulumi-ipam state file: it holds another application's tables (${p.tables.slice(0, 5).join(', ')}${p.tables.length > 5 ? `, ... (${p.tables.length} tables)` : ''}) and no ipam schema; ` +
            'nothing was written to it. Point the state (--state, IPAM_STATE, ipam:state, or serve --db) at a new file or an existing ipam state file',
        ),
      'two-backends': () => at('server', 'both an IPAM server and a Kubernetes cluster are configured; choose one backend'),
      /** The SQLite durability setting, from the backend settings (sqliteSync) or the environment (IPAM_SQLITE_SYNC). */
      'sqlite-sync': (p: { field: string; value: unknown }) => at(p.field, `"${String(p.value)}" is not a setting; use "full" (default) or "normal"`),
      'server-url': (p: { server: string }) => at('server', `${JSON.stringify(p.server)} is not a URL; give the service address like https://ipam.example.net:8443`),
      'server-protocol': (p: { server: string }) => at('server', `${JSON.stringify(p.server)} must be an http:// or https:// URL`),
      ...TRANSFER_CASES.INVALID_INPUT,
      ...VIEW_INPUT_CASES,
      ...POLICY_INPUT_CASES,
    }),
  ),
  INVALID_CIDR: entry(
    400,
    'Invalid CIDR',
    cases({
      'not-text': (p: { field: string }) => at(p.field, 'give a CIDR like 10.0.0.0/16'),
      'root-needs-cidr': () => at('cidr', 'a pool without a parent needs a CIDR, like 10.0.0.0/16'),
      'no-prefix': (p: { field: string; text: unknown }) =>
        at(p.field, `${quote(p.text)} is not a CIDR; write it as address/prefix, like 10.0.0.0/16 or 2001:db8::/32`),
      'no-address': (p: { field: string; text: unknown }) => at(p.field, `${quote(p.text)} is not a CIDR; the part before "/" must be an IPv4 or IPv6 address`),
      'leading-zero': (p: { field: string; text: unknown; prefix: number }) =>
        at(p.field, `${quote(p.text)} writes the prefix length with a leading zero; write it as /${p.prefix}`),
      'prefix-too-long': (p: { field: string; text: unknown; prefix: number; family: string; bits: number }) =>
        at(p.field, `${quote(p.text)} has prefix /${p.prefix}, but ${p.family} prefixes go from /0 to /${p.bits}`),
      'host-bits': (p: { field: string; text: unknown; network: string }) => at(p.field, `${quote(p.text)} has host bits set; the network is ${p.network}`),
      'ipv4-alias': (p: { field: string; text: unknown; alias: Ipv4Alias; ipv4: string }) =>
        at(p.field, `${quote(p.text)} lies in ${p.alias.block}, the ${p.alias.name} IPv6 block, and aliases the IPv4 block ${p.ipv4}; write ${p.ipv4}, or ${OUTSIDE_IPV4_ALIASES}`),
      'reaches-ipv4-alias': (p: { field: string; text: unknown; alias: Ipv4Alias }) =>
        at(
          p.field,
          `${quote(p.text)} reaches into ${p.alias.block}, the ${p.alias.name} IPv6 block, whose addresses alias IPv4; ${OUTSIDE_IPV4_ALIASES}, like 2001:db8::/32 or fd00::/8`,
        ),
      /** KubeSlice's wording for a slice subnet that is no CIDR, quoting why. */
      'slice-format': (p: { field: string; cause: { reason: string } }) => at(p.field, `invalid CIDR format: ${p.cause.reason}`),
      ...TRANSFER_CASES.INVALID_CIDR,
    }),
  ),
  INVALID_ADDRESS: entry(
    400,
    'Invalid IP address',
    cases({
      'not-address': (p: { field: string; text: unknown }) => at(p.field, `${quote(p.text)} is not an IPv4 or IPv6 address; write it like 10.0.0.5 or 2001:db8::5`),
      'ipv4-alias': (p: { field: string; text: unknown; alias: Ipv4Alias; ipv4: string }) =>
        at(p.field, `${quote(p.text)} lies in ${p.alias.block}, the ${p.alias.name} IPv6 block, and aliases the IPv4 address ${p.ipv4}; write ${p.ipv4}, or ${OUTSIDE_IPV4_ALIASES}`),
    }),
  ),
  INVALID_PREFIX_LENGTH: entry(
    400,
    'Invalid prefix length',
    cases({
      range: (p: { field: string; value: unknown; within?: string; min: number; max: number }) =>
        at(p.field, `${quote(p.value)} is not a prefix length${p.within === undefined ? '' : ` for ${p.within}`}; give a whole number from ${p.min} to ${p.max}`),
      'not-whole': (p: { value: unknown }) => at('prefixLength', `${quote(p.value)} is not a whole number`),
      'prefer-size': (p: { prefer: string; preferPrefix: number; prefixLength: number }) =>
        at('prefer', `${p.prefer} is a /${p.preferPrefix}, but the request is for a /${p.prefixLength}; prefer a block of the requested size`),
      'no-default': (p: { pool: string; min: number; max: number }) =>
        at('prefixLength', `pool "${p.pool}" has no defaultPrefixLength; give a prefix length between /${p.min} and /${p.max}`),
      'outside-pool': (p: { prefixLength: number; pool: string; cidr: string; min: number; max: number }) =>
        at('prefixLength', `/${p.prefixLength} cannot be carved from pool "${p.pool}" (${p.cidr}); choose between /${p.min} and /${p.max}`),
      'cidr-mismatch': (p: { prefixLength: unknown; cidr: string }) => at('prefixLength', `/${p.prefixLength} does not match cidr ${p.cidr}; give one or make them agree`),
      'child-size': (p: { parent: string }) => at('prefixLength', `give the size of the block to carve from "${p.parent}", or a cidr`),
      ...POLICY_PREFIX_CASES,
    }),
  ),
  FAMILY_MISMATCH: entry(400, 'Address family mismatch', (p: { field: string; block: string; blockFamily: string; pool: string; cidr: string; poolFamily: string }) =>
    at(p.field, `${p.block} is ${p.blockFamily}, but pool "${p.pool}" (${p.cidr}) is ${p.poolFamily}`),
  ),
  OUTSIDE_POOL: entry(
    400,
    'Outside the pool',
    cases({
      /** An allocation's block or address outside the named pool. */
      pool: (p: { field: string; block: string; pool: string; cidr: string }) => at(p.field, `${p.block} is outside pool "${p.pool}" (${p.cidr})`),
      /** A pool's own setting (gateway, a reserved range) outside its CIDR. */
      setting: (p: { field: string; value: string; cidr: string; fix?: 'give-inside' }) =>
        at(p.field, `${p.value} is outside the pool ${p.cidr}${p.fix === undefined ? '' : '; give an address inside it'}`),
      block: (p: { field: string; block: string; within: string }) => at(p.field, `${p.block} is outside ${p.within}`),
    }),
  ),
} as const;
