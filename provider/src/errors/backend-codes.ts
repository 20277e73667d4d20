import { at, cases, entry, plain } from './define';
import { noProblemDetails } from './input-codes';
import { Holder } from './subjects';

/** A row of a pool that contradicts the others, as STATE_CORRUPTED names it. */
export type StoredRow = { type: 'child'; name: string; cidr: string } | { type: 'allocation'; owner: string; cidr: string };
export type Corruption =
  | { problem: 'missing-parent'; parent: string }
  | { problem: 'contradicts'; cidr: string; cause: string }
  | { problem: 'not-a-block'; row: StoredRow; cause: string }
  | { problem: 'outside'; row: StoredRow; poolCidr: string }
  | { problem: 'overlaps'; row: StoredRow; holder: Holder };

function stored(holder: Holder): string {
  switch (holder.type) {
    case 'allocation':
      return `the allocation of "${holder.owner}" (${holder.cidr})`;
    case 'child':
      return `child pool "${holder.name}" (${holder.cidr})`;
    case 'reserved':
      return holder.gateway ? `the gateway (${holder.cidr})` : `the reserved range ${holder.cidr}`;
  }
}

function corruption(c: Corruption): string {
  switch (c.problem) {
    case 'missing-parent':
      return `its parent pool "${c.parent}" is not stored`;
    case 'contradicts':
      return `its definition (${c.cidr}) contradicts what it holds: ${c.cause}`;
    case 'not-a-block':
      return `${stored(c.row)} is not a block: ${c.cause}`;
    case 'outside':
      return `${stored(c.row)} is outside the pool (${c.poolCidr})`;
    case 'overlaps':
      return `${stored(c.row)} overlaps ${stored(c.holder)}`;
  }
}

/** Why SQLite failed, in words: the codes a person can do something about. */
export type SqliteProblem = 'disk-full' | 'io' | 'not-writable' | 'not-a-database' | 'busy';

/** Why a server refused to listen, for the codes a person can act on. */
const LISTEN_FIXES: Record<string, string> = {
  EADDRINUSE: '; another process listens on that port: stop it or choose another port',
  EADDRNOTAVAIL: '; no network interface of this machine has that address',
  EACCES: '; ports below 1024 need privileges: choose a port from 1024 up',
};

/** PostgreSQL refusals that retrying cannot fix, by error code. */
export const POSTGRES_FATAL: Record<string, string> = {
  '28P01': 'the password is wrong',
  '28000': 'the server does not accept this user from here (pg_hba.conf)',
  '3D000': 'the database does not exist: create it first',
  ERR_INVALID_URL: 'the URL is not valid',
};

/** The Kubernetes ledger of an address space, as a message about it starts. */
const ledgerOf = (space: string) => `address space "${space}": the IpamLedger "ledger" in namespace "${space}"`;

const tokenEntry = (p: { index: number; name?: string }) => `token ${p.index + 1}${p.name === undefined ? '' : ` ("${p.name}")`}`;

export const BACKEND_CODES = {
  // The configuration a process starts with (flags, files, environment): tokens, TLS
  // certificate, listen address, kubeconfig. Fixed by whoever starts it, never by retrying; the
  // CLI exits 2. 500 if it ever reaches a client: the fault is on the server's side.
  CONFIG_INVALID: entry(
    500,
    'Invalid configuration',
    cases({
      'no-tokens': () => plain('no tokens configured: give --tokens FILE or IPAM_TOKENS, or --no-auth on a loopback address', 'tokens'),
      /** `name` only when it is a valid one: an entry is named by its place and name, never its token. */
      'token-name': (p: { index: number; name?: string }) => plain(`${tokenEntry(p)}: name must be 1 to 63 letters, digits, ".", "_", "@" or "-"`, 'tokens'),
      'token-scope': (p: { index: number; name?: string }) => plain(`${tokenEntry(p)}: scope must be "read" or "read-write"`, 'tokens'),
      // YAML reads an unquoted token of digits as a number (and a long one loses digits).
      'token-number': (p: { index: number; name?: string }) =>
        plain(`${tokenEntry(p)}: the token is written as a number; quote it in the tokens file, e.g. token: "0123..."`, 'tokens'),
      'token-short': (p: { index: number; name?: string; min: number }) =>
        plain(`${tokenEntry(p)}: the token must be at least ${p.min} characters without spaces (e.g. \`openssl rand -hex 32\`)`, 'tokens'),
      'token-name-twice': (p: { index: number; name?: string }) => plain(`${tokenEntry(p)}: the name is used twice`, 'tokens'),
      'token-twice': (p: { index: number; name?: string }) => plain(`${tokenEntry(p)}: the same token is given twice`, 'tokens'),
      'tokens-file-unreadable': (p: { file: string; cause: string }) =>
        plain(`--tokens ${p.file}: cannot read the file (${p.cause}); give the path of a YAML or JSON tokens file`, 'tokens'),
      // Only where: a parser's message quotes the offending line, which may hold a token.
      'tokens-file-syntax': (p: { file: string; line?: number }) =>
        plain(`--tokens ${p.file}: not valid YAML or JSON${p.line === undefined ? '' : ` (line ${p.line})`}`, 'tokens'),
      'tokens-file-shape': (p: { file: string }) => plain(`--tokens ${p.file}: expected a "tokens:" list of {name, scope, token}`, 'tokens'),
      'tokens-env-entry': (p: { index: number }) => plain(`IPAM_TOKENS entry ${p.index + 1}: write it as name:scope:token (scope read or read-write)`, 'tokens'),
      listen: (p: { host: string; port: number; errno?: string; cause: string }) =>
        plain(`--listen ${p.host}:${p.port}: cannot listen there (${p.errno ?? p.cause})${LISTEN_FIXES[p.errno ?? ''] ?? ''}`, 'listen'),
      'state-file': (p: { db: string; cause: string }) => plain(`--db ${p.db}: cannot open the state file: ${p.cause}`, 'db'),
      postgres: (p: { pgCode: keyof typeof POSTGRES_FATAL; cause: string }) => plain(`--db: PostgreSQL refused the connection: ${POSTGRES_FATAL[p.pgCode]} (${p.cause})`, 'db'),
      tls: (p: { cause: string }) => plain(`--tls-cert/--tls-key: not a usable PEM certificate and key: ${p.cause}`, 'tls'),
      'unreadable-file': (p: { flag: string; file: string; cause: string }) => plain(`--${p.flag} ${p.file}: cannot read the file (${p.cause})`, p.flag),
      kubeconfig: (p: { where: string; why: string }) => at('kubeconfig', `cannot read ${p.where}: ${p.why}`),
      'kube-context': (p: { where: string; context: string; known: string[] }) =>
        at('context', `${p.where} has no context "${p.context}"; it has ${p.known.length === 0 ? 'none' : p.known.join(', ')}`),
      'kube-cluster': (p: { where: string; context: string }) => at('kubeconfig', `${p.where} names no cluster for context "${p.context}"`),
      driver: (p: { backend: string; pkg: string; range: string }) =>
        plain(`${p.backend} needs the npm package ${p.pkg}, which is not installed: run \`npm install ${p.pkg}@${p.range}\` beside pulumi-ipam`),
    }),
  ),

  // The state backend.
  CONTENTION: entry(503, 'Too much contention', (p: { space: string; attempts: number }) =>
    plain(`address space "${p.space}" kept changing under ${p.attempts} attempts to commit; other writers are too busy, try again`),
  ),
  STORE_UNAVAILABLE: entry(
    503,
    'State backend unavailable',
    cases({
      failed: (p: { kind: string; cause: string }) => plain(`the ${p.kind} state backend failed: ${p.cause}`),
      'not-answering': (p: { kind: string; cause: string }) => plain(`store: the ${p.kind} state backend does not answer: ${p.cause}`),
      'closed-waiting': (p: { kind: string }) => plain(`store: the ${p.kind} state backend was closed before it answered`),
      'still-trying': (p: { kind: string; cause: string }) => plain(`store: the ${p.kind} state backend does not answer yet (still trying): ${p.cause}`),
      'open-state-file': (p: { file: string; cause: string }) => plain(`cannot open the state file ${p.file}: ${p.cause}`),
      'read-only': (p: { file: string; why: string }) =>
        plain(`state file ${p.file} is open read-only (${p.why}): reads work, writes need a writable file; nothing was written`),
      'read-only-old-schema': (p: { file: string; current: number; known: number }) =>
        plain(`state file ${p.file} is read-only and has schema v${p.current}, older than this pulumi-ipam's v${p.known}: open it once with write access to upgrade it`),
      'schema-newer': (p: { what: 'state file' | 'database'; current: number; known: number }) =>
        plain(`${p.what} schema v${p.current} is newer than this pulumi-ipam (v${p.known}); upgrade pulumi-ipam`),
      sqlite: (p: { file: string; problem: SqliteProblem; detail: string; doing: 'reading' | 'writing' }) => {
        const said: Record<SqliteProblem, string> = {
          'disk-full': `the disk is full: ${p.detail} while ${p.doing}; nothing was written. Free space on the disk holding the file, then retry`,
          // A full disk (or a file-size limit) is what makes SQLite fail to grow FILE-wal or FILE-shm,
          // which even a read needs: "disk I/O error" alone sends people looking for a broken disk.
          io:
            `${p.detail} while ${p.doing}: SQLite could not write ${p.file}-wal or ${p.file}-shm beside it; the usual cause is a full disk ` +
            '(or a file-size limit). Free space on the disk holding the file, then retry; nothing was written',
          'not-writable': `${p.detail} while ${p.doing}: this user cannot write the file or its directory; writes need a writable file and directory`,
          'not-a-database': `${p.detail}: the file is not a SQLite database, so not a pulumi-ipam state file; point the state at a new file or an ipam state file`,
          busy: `${p.detail} while ${p.doing}: another process held the write lock for longer than the busy timeout; retry`,
        };
        return plain(`state file ${p.file}: ${said[p.problem]}`);
      },
      'kube-no-crds': (p: { server: string }) =>
        plain(`the Kubernetes API server at ${p.server} does not serve the pulumi-ipam custom resources; install them with \`kubectl apply -f crds/\` (see docs/kubernetes.md)`),
      'kube-credentials': (p: { server: string; cause: string }) => plain(`the Kubernetes API server at ${p.server} did not accept the kubeconfig's credentials: ${p.cause}`),
      'kube-forbidden': (p: { server: string; cause: string }) =>
        plain(`the Kubernetes API server at ${p.server} refused: ${p.cause}; grant the Role in crds/rbac-role.yaml (see docs/kubernetes.md)`),
      'kube-answer': (p: { server: string; status: number; reason: string; cause: string }) =>
        plain(`the Kubernetes API server at ${p.server} answered ${p.status} ${p.reason}: ${p.cause}`),
      'kube-unreachable': (p: { server: string; cause: string }) => plain(`cannot reach the Kubernetes API server at ${p.server}: ${p.cause}`),
      'no-problem-details': noProblemDetails,
      'service-unreachable': (p: { server: string; cause: string; attempts: number }) =>
        at('server', `cannot reach the IPAM service at ${p.server} (${p.cause}) after ${p.attempts} attempts`),
      /** A ledger written by a later release, in an encoding this one does not know. */
      'ledger-format': (p: { space: string; encoding: string }) =>
        plain(
          `${ledgerOf(p.space)} is in the format "${p.encoding}", which this release of pulumi-ipam cannot read; ` +
            'upgrade pulumi-ipam (every Pulumi stack, `ipam` command and controller that writes this namespace)',
        ),
    }),
  ),
  // Rows the backend holds contradict each other (two holders of one block): nothing is decided
  // on such a space until a person repairs it; the check of the pool lists what is wrong.
  STATE_CORRUPTED: entry(
    500,
    'Stored state is inconsistent',
    cases({
      pool: (p: { space: string; pool: string; corruption: Corruption }) =>
        plain(`pool "${p.pool}" in address space "${p.space}": the stored state is inconsistent: ${corruption(p.corruption)}. Nothing was changed`, undefined, {
          kind: 'check-pool',
          space: p.space,
          pool: p.pool,
        }),
      /** The Kubernetes ledger's data does not decode: no pool of it can be read, let alone checked. */
      ledger: (p: { space: string; cause: string }) =>
        plain(`${ledgerOf(p.space)} cannot be decoded (${p.cause}); it was edited by hand or damaged: restore it from a backup`),
    }),
  ),
  LEDGER_TOO_LARGE: entry(507, 'Address space ledger too large', (p: { space: string; bytes: number; limit: number; allocations: number; perAllocation: number }) =>
    plain(
      `address space "${p.space}": the Kubernetes ledger (IpamLedger "ledger" in namespace "${p.space}") would be ${p.bytes} bytes, over its limit of ${p.limit} bytes ` +
        `(etcd refuses objects over 1.5 MiB); it holds ${p.allocations} allocations (about ${p.perAllocation} bytes each). ` +
        'Release and reclaim allocations, delete unused pools, or move pools to another namespace',
    ),
  ),
} as const;
