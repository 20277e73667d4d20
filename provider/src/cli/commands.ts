import { IpamApi, SliceRef } from '../model/api';
import { DEFAULT_SPACE } from '../model/constants';
import { parseAddressText } from '../net/address';
import { OptionSpec, UsageError, parseDuration, parseInteger, parseLabels } from './args';
import {
  allocationTable,
  auditTable,
  checkText,
  findTable,
  poolDetails,
  poolTable,
  sliceText,
  table,
} from './format';
import type { Command, CommandContext, Output } from './command';
import { CONTROLLER_OPTIONS, controllerCommand } from './controller-command';
import { TRANSFER_OPTIONS, transferCommands } from './transfer-commands';
import { MAP_OPTIONS, mapCommand } from './map-command';
import { POLICY_OPTIONS, POLICY_OPTION_NAMES, newPolicy, policyUpdate } from './policy-options';

// Syntax only: `--gateway ::ffff:10.0.0.1` is the option's value, which the engine then refuses
// by name, rather than a stray argument that ends in a usage error.
const looksLikeAddress = (token: string): boolean => parseAddressText(token) !== undefined;

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  state: { type: 'value', valueName: 'FILE', help: 'SQLite state file (default ./.ipam/state.db; env IPAM_STATE)' },
  json: { type: 'flag', help: 'print JSON for scripts' },
  space: { type: 'value', valueName: 'NAME', help: 'address space (default "default"; a Kubernetes namespace on that backend)' },
  namespace: { type: 'value', valueName: 'NAME', help: 'same as --space (a slice\'s namespace)' },
  server: { type: 'value', valueName: 'URL', help: 'use an HTTP IPAM service (env IPAM_SERVER; token in IPAM_TOKEN)' },
  kube: { type: 'flag', help: 'use Kubernetes custom resources with the default kubeconfig' },
  kubeconfig: { type: 'value', valueName: 'FILE', help: 'use Kubernetes custom resources with this kubeconfig' },
  context: { type: 'value', valueName: 'NAME', help: 'kubeconfig context (Kubernetes backend)' },
  help: { type: 'flag', help: 'show help' },
};

export const COMMAND_OPTIONS: Record<string, OptionSpec> = {
  parent: { type: 'value', valueName: 'POOL', help: 'carve the pool from this parent pool' },
  strategy: { type: 'value', valueName: 'first-fit|best-fit', help: 'how blocks are chosen (default first-fit)' },
  gateway: { type: 'flag-or-value', acceptsValue: looksLikeAddress, valueName: 'ADDR', help: 'reserve a gateway: the first host, or ADDR' },
  'no-gateway': { type: 'flag', help: 'remove the gateway' },
  reserve: { type: 'list', valueName: 'CIDR|A-B', help: 'never hand out this block or range (repeatable)' },
  'default-prefix': { type: 'value', valueName: 'N', help: 'prefix length used when a request gives none' },
  grace: { type: 'value', valueName: 'DURATION', help: 'how long a released block is held for its owner (default 24h, max 7d)' },
  description: { type: 'value', valueName: 'TEXT', help: 'free text' },
  label: { type: 'list', valueName: 'KEY=VALUE', help: 'a label (repeatable)' },
  owner: { type: 'value', valueName: 'KEY', help: 'idempotency key: the same owner always gets the same block' },
  prefix: { type: 'value', valueName: 'N', help: 'prefix length of the block' },
  ip: { type: 'flag', help: 'allocate one host address' },
  cidr: { type: 'value', valueName: 'CIDR', help: 'this exact block, or an error' },
  address: { type: 'value', valueName: 'ADDR', help: 'this exact address, or an error' },
  prefer: { type: 'value', valueName: 'CIDR|ADDR', help: 'try this first, else the pool strategy' },
  limit: { type: 'value', valueName: 'N', help: 'at most N entries' },
  size: { type: 'value', valueName: 'N', help: 'subnet size (prefix length) per cluster' },
  cluster: { type: 'list', valueName: 'NAME', help: 'a cluster of the slice (repeatable)' },
  'grace-hours': { type: 'value', valueName: 'H', help: 'grace period in hours (1-168, default 24)' },
  // ipam serve
  listen: { type: 'value', valueName: 'HOST:PORT', help: 'address to listen on (default 127.0.0.1:8080)' },
  db: { type: 'value', valueName: 'FILE|URL', help: 'SQLite file (default ./ipam.db) or postgres://user@host/db' },
  tokens: { type: 'value', valueName: 'FILE', help: 'bearer tokens file (YAML/JSON: tokens: [{name, scope, token}]); or env IPAM_TOKENS' },
  'no-auth': { type: 'flag', help: 'serve without tokens (only on a loopback address)' },
  'tls-cert': { type: 'value', valueName: 'FILE', help: 'serve HTTPS with this PEM certificate (with --tls-key)' },
  'tls-key': { type: 'value', valueName: 'FILE', help: 'PEM private key of --tls-cert' },
  'max-body': { type: 'value', valueName: 'BYTES', help: 'largest request body accepted (default 65536)' },
  'max-connections': { type: 'value', valueName: 'N', help: 'connections open at once; more are closed unanswered (default 1024)' },
  ...CONTROLLER_OPTIONS,
  ...TRANSFER_OPTIONS,
  ...MAP_OPTIONS,
  ...POLICY_OPTIONS,
};

const int = (ctx: CommandContext, name: string): number | undefined =>
  ctx.options[name] === undefined ? undefined : parseInteger(ctx.options[name] as string, name);
const str = (ctx: CommandContext, name: string): string | undefined => ctx.options[name] as string | undefined;
const list = (ctx: CommandContext, name: string): string[] | undefined => ctx.options[name] as string[] | undefined;
/** The slice NAME of a `slice` command, in the command's namespace (a slice always has one). */
const sliceRef = (ctx: CommandContext): SliceRef => ({ namespace: ctx.space ?? DEFAULT_SPACE, name: ctx.args[0] });

function gatewayOption(ctx: CommandContext): boolean | string | undefined {
  if (ctx.options['no-gateway'] === true) {
    if (ctx.options.gateway !== undefined) throw new UsageError('give --gateway or --no-gateway, not both');
    return false;
  }
  return ctx.options.gateway as boolean | string | undefined;
}

function poolSettings(ctx: CommandContext) {
  return {
    strategy: str(ctx, 'strategy') as 'first-fit' | 'best-fit' | undefined,
    reserved: list(ctx, 'reserve'),
    defaultPrefixLength: int(ctx, 'default-prefix'),
    gracePeriodSeconds: ctx.options.grace === undefined ? undefined : parseDuration(str(ctx, 'grace')!, 'grace'),
    description: str(ctx, 'description'),
    labels: parseLabels(list(ctx, 'label')),
  };
}

const allocationOutput = (a: Awaited<ReturnType<IpamApi['allocate']>>): Output => ({
  json: a,
  text: table(['OWNER', 'CIDR', 'STATUS', 'GATEWAY', 'NETMASK'], [[a.owner, a.cidr, a.status, a.gateway, a.netmask]]),
});

/** An allocation by selector says which pool was chosen. */
const chosenOutput = (a: Awaited<ReturnType<IpamApi['allocate']>>): Output => ({
  json: a,
  text: table(['OWNER', 'POOL', 'CIDR', 'STATUS', 'GATEWAY', 'NETMASK'], [[a.owner, a.pool, a.cidr, a.status, a.gateway, a.netmask]]),
});

export const COMMANDS: Command[] = [
  {
    path: ['pool', 'create'],
    usage: 'pool create NAME [CIDR] [--parent P [--prefix N] [--prefer C]] [--strategy S] [--gateway [ADDR]] [--reserve CIDR]... [--default-prefix N] [--grace D]',
    summary: 'create a pool (with --parent and no CIDR: carve the next free /N from the parent)',
    args: ['NAME', 'CIDR?'],
    options: ['parent', 'prefix', 'prefer', 'owner', 'strategy', 'gateway', 'reserve', 'default-prefix', 'grace', 'description', 'label', ...POLICY_OPTION_NAMES],
    async run(ctx) {
      const pool = await ctx.api.createPool({
        space: ctx.space,
        name: ctx.args[0],
        cidr: ctx.args[1],
        parent: str(ctx, 'parent'),
        prefixLength: int(ctx, 'prefix'),
        prefer: str(ctx, 'prefer'),
        owner: str(ctx, 'owner'),
        gateway: gatewayOption(ctx),
        ...poolSettings(ctx),
        policy: newPolicy(ctx),
      });
      return { json: pool, text: poolTable([pool]) };
    },
  },
  {
    path: ['pool', 'update'],
    usage: 'pool update NAME [--strategy S] [--gateway [ADDR] | --no-gateway] [--reserve CIDR]... [--default-prefix N] [--grace D]',
    summary: 'change what may change in place (the CIDR and parent never do)',
    args: ['NAME'],
    options: ['strategy', 'gateway', 'no-gateway', 'reserve', 'default-prefix', 'grace', 'description', 'label', ...POLICY_OPTION_NAMES, 'clear-policy'],
    async run(ctx) {
      const pool = await ctx.api.updatePool({ space: ctx.space, pool: ctx.args[0], gateway: gatewayOption(ctx), ...poolSettings(ctx), policy: policyUpdate(ctx) });
      return { json: pool, text: poolDetails(pool) };
    },
  },
  {
    path: ['pool', 'delete'],
    usage: 'pool delete NAME',
    summary: 'delete a pool; refused while it has live allocations or child pools',
    args: ['NAME'],
    options: [],
    async run(ctx) {
      await ctx.api.deletePool({ space: ctx.space, pool: ctx.args[0] });
      return { json: { deleted: ctx.args[0] }, text: `pool ${ctx.args[0]} deleted` };
    },
  },
  {
    path: ['pool', 'list'],
    usage: 'pool list',
    summary: 'list pools (of every space, or of --space)',
    args: [],
    options: [],
    async run(ctx) {
      const pools = await ctx.api.listPools({ space: ctx.space });
      return { json: pools, text: pools.length === 0 ? 'no pools' : poolTable(pools) };
    },
  },
  {
    path: ['pool', 'show'],
    usage: 'pool show NAME [--prefix N]',
    summary: 'a pool with its statistics (and free/available /N blocks with --prefix)',
    args: ['NAME'],
    options: ['prefix'],
    async run(ctx) {
      const pool = await ctx.api.getPool({ space: ctx.space, pool: ctx.args[0], prefixLength: int(ctx, 'prefix') });
      return { json: pool, text: poolDetails(pool) };
    },
  },
  mapCommand,
  {
    path: ['alloc'],
    usage: 'alloc (POOL | --selector LABELS) --owner KEY (--prefix N | --ip) [--cidr C | --address A] [--prefer C]',
    summary: 'allocate a block or a host address; the same owner always gets the same one back',
    details: 'With --selector instead of POOL, the pool is chosen by its labels ("zone=a,env in (prod,staging)"): the highest "priority" label, then the most free addresses, then the name.',
    args: ['POOL?'],
    options: ['owner', 'prefix', 'ip', 'cidr', 'address', 'prefer', 'description', 'label', 'selector'],
    async run(ctx) {
      const owner = str(ctx, 'owner');
      if (owner === undefined) throw new UsageError('alloc needs --owner KEY (an idempotency key, e.g. the name of what gets the block)');
      const host = ctx.options.ip === true || ctx.options.address !== undefined;
      if (host && ctx.options.prefix !== undefined) throw new UsageError('give --prefix N (a block) or --ip (one address), not both');
      const selector = str(ctx, 'selector');
      if ((ctx.args[0] === undefined) === (selector === undefined)) throw new UsageError('alloc needs POOL or --selector LABELS (one of them)');
      const request = {
        space: ctx.space,
        owner,
        kind: host ? ('host' as const) : ('prefix' as const),
        prefixLength: int(ctx, 'prefix'),
        cidr: str(ctx, 'cidr'),
        address: str(ctx, 'address'),
        prefer: str(ctx, 'prefer'),
        description: str(ctx, 'description'),
        labels: parseLabels(list(ctx, 'label')),
      };
      if (selector === undefined) return allocationOutput(await ctx.api.allocate({ ...request, pool: ctx.args[0] }));
      return chosenOutput(await ctx.api.allocateBySelector({ ...request, poolSelector: selector }));
    },
  },
  {
    path: ['release'],
    usage: 'release POOL --owner KEY',
    summary: "release an owner's block; it is held for the owner during the pool's grace period",
    args: ['POOL'],
    options: ['owner'],
    async run(ctx) {
      const owner = str(ctx, 'owner');
      if (owner === undefined) throw new UsageError('release needs --owner KEY');
      return allocationOutput(await ctx.api.release({ space: ctx.space, pool: ctx.args[0], owner }));
    },
  },
  {
    path: ['allocations'],
    usage: 'allocations POOL',
    summary: 'list the allocations of a pool, live and released',
    args: ['POOL'],
    options: [],
    async run(ctx) {
      const all = await ctx.api.listAllocations({ space: ctx.space, pool: ctx.args[0] });
      return { json: all, text: all.length === 0 ? 'no allocations' : allocationTable(all) };
    },
  },
  {
    path: ['available'],
    usage: 'available POOL CIDR|ADDR',
    summary: 'could a new owner get this block or address now?',
    args: ['POOL', 'CIDR'],
    options: [],
    async run(ctx) {
      const answer = await ctx.api.isAvailable({ space: ctx.space, pool: ctx.args[0], cidr: ctx.args[1] });
      return { json: answer, text: answer.available ? `${ctx.args[1]} is available` : `${ctx.args[1]} is not available: ${answer.reason}` };
    },
  },
  {
    path: ['find'],
    usage: 'find IP',
    summary: 'which pools hold an address, and which allocation',
    args: ['IP'],
    options: [],
    async run(ctx) {
      const found = await ctx.api.find({ ip: ctx.args[0], space: ctx.space });
      return { json: found, text: found.length === 0 ? `${ctx.args[0]} is in no pool` : findTable(found) };
    },
  },
  {
    path: ['check'],
    usage: 'check POOL',
    summary: 'check the stored allocations for overlaps, duplicate owners and strays',
    args: ['POOL'],
    options: [],
    async run(ctx) {
      const report = await ctx.api.check({ space: ctx.space, pool: ctx.args[0] });
      return { json: report, text: checkText(report), exitCode: report.ok ? 0 : 1 };
    },
  },
  {
    path: ['audit'],
    usage: 'audit POOL [--limit N]',
    summary: 'who allocated and released what, newest first',
    args: ['POOL'],
    options: ['limit'],
    async run(ctx) {
      const events = await ctx.api.listAudit({ space: ctx.space, pool: ctx.args[0], limit: int(ctx, 'limit') });
      return { json: events, text: events.length === 0 ? 'no events' : auditTable(events) };
    },
  },
  {
    path: ['slice', 'sync'],
    usage: 'slice sync NAME SLICE-SUBNET --size N [--cluster C]... [--grace-hours H] --namespace NS',
    summary: 'create or update a KubeSlice slice: listed clusters get subnets, others are released',
    args: ['NAME', 'SLICE-SUBNET'],
    options: ['size', 'cluster', 'grace-hours'],
    async run(ctx) {
      const slice = await ctx.api.syncSlice({
        ...sliceRef(ctx),
        sliceSubnet: ctx.args[1],
        subnetSize: int(ctx, 'size') as number,
        clusters: list(ctx, 'cluster') ?? [],
        gracePeriodHours: int(ctx, 'grace-hours'),
      });
      return { json: slice, text: sliceText(slice) };
    },
  },
  {
    path: ['slice', 'show'],
    usage: 'slice show NAME --namespace NS',
    summary: 'a slice with its cluster subnets',
    args: ['NAME'],
    options: [],
    async run(ctx) {
      const slice = await ctx.api.getSlice(sliceRef(ctx));
      return { json: slice, text: sliceText(slice) };
    },
  },
  {
    path: ['slice', 'delete'],
    usage: 'slice delete NAME --namespace NS',
    summary: 'delete a slice and all its cluster subnets',
    args: ['NAME'],
    options: [],
    async run(ctx) {
      await ctx.api.deleteSlice(sliceRef(ctx));
      return { json: { deleted: ctx.args[0] }, text: `slice ${ctx.args[0]} deleted` };
    },
  },
  {
    path: ['serve'],
    usage: 'serve [--listen HOST:PORT] [--db FILE|postgres://...] (--tokens FILE | env IPAM_TOKENS | --no-auth) [--tls-cert F --tls-key F] [--max-body B] [--max-connections N]',
    summary: 'run the HTTP IPAM service (JSON API, /openapi.json, /metrics) over SQLite or PostgreSQL',
    args: [],
    options: ['listen', 'db', 'tokens', 'no-auth', 'tls-cert', 'tls-key', 'max-body', 'max-connections'],
    ownBackend: true,
    // Loaded when it runs: the HTTP service, zod, yaml and prom-client stay out of every other command's start.
    run: async (ctx) => (await import('./serve-command')).runServe(ctx),
  },
  ...transferCommands,
  controllerCommand,
];
