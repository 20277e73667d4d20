/**
 * The architecture in one page: which folder of provider/src may import which. `npm test` runs
 * `npm run lint:layers`, and any import that breaks these rules fails it. There is no
 * exceptions list: change the code, or change this page and say why in the commit.
 *
 * The layers, from the ground up (a layer imports only those below it):
 *
 *   errors.ts, package.ts,  the error catalogue; where the package is on disk;
 *   backoff.ts, log.ts      the one retry wait; the one log channel
 *   net/                    addresses and CIDRs as bigints: parse, format, contain
 *   model/                  the API's types, records, input checks, report types
 *   allocator/  map/        pure: decisions over one pool; the address map's layout (no I/O, no clock)
 *   engine/                 the only place where the allocator meets state; owns the Store port
 *   store/   client/        the Store implementations; the HTTP client of the IPAM service
 *   backends/               the one place that opens and wires a backend (Kubernetes composition)
 *   telemetry/              starts the OpenTelemetry SDK when OTEL_* asks (the engine and the
 *                           services use only @opentelemetry/api, a no-op without it)
 *   views/                  read views over any IpamApi (paged allocations, search) for the web view
 *   server/  controller/    the HTTP IPAM service; the in-cluster controller
 *   dynamic/                the Pulumi face: check/diff/create/read/update/delete
 *   cli/  plugin/           the `ipam` command; the Pulumi provider plugin
 *   sdk/                    what Pulumi programs import
 */
const LAYERS = [
  ['ground', '^provider/src/(errors|package|backoff|log)\\.ts$'],
  ['net', '^provider/src/net/'],
  ['model', '^provider/src/model/'],
  ['allocator', '^provider/src/(allocator|map)/'],
  ['engine', '^provider/src/engine/'],
  ['store', '^provider/src/(store|client)/'],
  ['backends', '^provider/src/backends/'],
  ['telemetry', '^provider/src/telemetry/'],
  ['views', '^provider/src/views/'],
  ['services', '^provider/src/(server|controller)/'],
  ['dynamic', '^provider/src/dynamic/'],
  ['commands', '^provider/src/(cli|plugin)/'],
  ['sdk', '^sdk/'],
];

/** Each layer may not import any layer above it. */
const upward = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `no-upward-from-${name}`,
  comment: `${name} sits below ${LAYERS.slice(i + 1).map(([n]) => n).join(', ')}: it may not import them`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(i + 1).map(([, p]) => p) },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'stores-see-only-the-port',
      comment: 'A store implements the Store port and knows nothing else of the engine (the Kubernetes objects drawn with the engine\'s figures are wired above it, in backends/)',
      severity: 'error',
      from: { path: '^provider/src/store/' },
      to: { path: '^provider/src/engine/', pathNot: '^provider/src/engine/store\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'Files that import each other cannot be understood (or tested) one at a time',
      severity: 'error',
      from: { path: '^(provider|sdk)/' },
      to: { circular: true },
    },
    {
      name: 'pure-core',
      comment: 'net, model, the allocator and the map layout do no I/O and read no clock: only ip-num, sorted-btree and zod',
      severity: 'error',
      from: { path: '^provider/src/(net|model|allocator|map)/' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-peer', 'npm-optional'], pathNot: 'node_modules/(ip-num|sorted-btree|zod)/' },
    },
    {
      name: 'pulumi-only-at-the-pulumi-face',
      comment: 'Pulumi lives in dynamic/, plugin/ and sdk/: the engine, stores and services run without it',
      severity: 'error',
      from: { path: '^provider/src/', pathNot: '^provider/src/(dynamic|plugin)/' },
      to: { path: '^node_modules/@pulumi/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a missing dependency or a typo',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-tests-in-the-package',
      comment: 'The shipped code never imports test support',
      severity: 'error',
      from: { path: '^(provider|sdk)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    exclude: { path: '^dist/' },
  },
};
