import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller } from '../../provider/src/controller/controller';
import { REPO, TSX_ARGS } from '../support/processes';
import { TestCluster } from './cluster';
import { KubectlRun, kubectl, kubectlAvailable } from './kubectl';

/**
 * The controller under test: in this process (Controller, for the scenarios) or as `ipam
 * controller` child processes (for leader failover, where a replica is killed with SIGKILL).
 * Short Lease timings so a failover takes seconds; every wait is bounded.
 */
export const LEASE_NAMESPACE = 'ipam-system';
export const LEASE = { durationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 1 };

export function startController(cluster: TestCluster, identity = 'test-controller', log: string[] = []): Controller {
  const controller = new Controller({
    kubeconfig: cluster.kubeconfig,
    // On the stand-in: as the ServiceAccount of deploy/controller.yaml, so its RBAC is proven enough.
    context: cluster.standIn === undefined ? undefined : 'controller',
    identity,
    lease: { namespace: LEASE_NAMESPACE, name: 'pulumi-ipam-controller', durationMs: LEASE.durationSeconds * 1000, renewDeadlineMs: LEASE.renewDeadlineSeconds * 1000, retryPeriodMs: 200 },
    resyncMs: 60_000,
    backoff: { baseMs: 100, maxMs: 2_000, attempts: 8 },
    log: (message) => log.push(message),
  });
  controller.start();
  return controller;
}

/**
 * The hooks of a suite that runs the controller in this process against `cluster()`: skipped
 * without kubectl (outside CI), a fresh controller per test, its log printed when a test fails.
 */
export function controllerPerTest(cluster: () => TestCluster): { readonly controller: Controller } {
  let controller: Controller;
  const log: string[] = [];
  before(async function () {
    if (!(await kubectlAvailable())) {
      if (process.env.CI) throw new Error('kubectl is needed in CI (.ci/run installs it)');
      this.skip();
    }
  });
  beforeEach(() => {
    controller = startController(cluster(), 'controller-under-test', log);
  });
  afterEach(async function () {
    await stopController(controller, log);
    if (this.currentTest?.state === 'failed') console.log(log.join('\n'));
    log.length = 0;
  });
  return {
    get controller() {
      return controller;
    },
  };
}

/** Stops an in-process controller; a stop that hangs fails the test (with the log) instead of the whole suite's timeout. */
export async function stopController(controller: Controller, log: string[], withinMs = 15_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the controller did not stop within ${withinMs} ms; its log:\n${log.join('\n')}`)), withinMs);
  });
  try {
    await Promise.race([controller.stop(), late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ReplicaProcess {
  identity: string;
  child: ChildProcess;
  stderr: () => string;
  /** http://127.0.0.1:PORT of /healthz, /readyz, /metrics, once it printed it. */
  health: Promise<string>;
}

/** `ipam controller` in a child process (run from source through tsx). */
export function startReplica(cluster: TestCluster, identity: string): ReplicaProcess {
  const args = [
    ...TSX_ARGS,
    join(REPO, 'provider/src/cli/main.ts'),
    'controller',
    '--kubeconfig', cluster.kubeconfig,
    ...(cluster.standIn === undefined ? [] : ['--context', 'controller']),
    '--identity', identity,
    '--health', '127.0.0.1:0',
    '--lease-namespace', LEASE_NAMESPACE,
    '--lease-duration', String(LEASE.durationSeconds),
    '--renew-deadline', String(LEASE.renewDeadlineSeconds),
    '--retry-period', String(LEASE.retryPeriodSeconds),
    '--resync', '30',
  ];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const health = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const url = /probes and metrics on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url !== undefined) resolve(url);
    });
    child.on('exit', (code, signal) => reject(new Error(`replica ${identity} exited (${code ?? signal}) before serving probes: ${stderr}`)));
  });
  health.catch(() => undefined);
  return { identity, child, stderr: () => stderr, health };
}

/** Polls `check` until it returns a value that is not undefined; fails after timeoutMs with the last reason. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${(last as Error).message}`}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** `kubectl apply -f` of a YAML text, as a person (or a GitOps tool) would. */
export async function kubectlApply(cluster: TestCluster, namespace: string, yaml: string): Promise<KubectlRun> {
  const file = join(mkdtempSync(join(tmpdir(), 'ipam-apply-')), 'manifest.yaml');
  writeFileSync(file, yaml);
  // --validate=false: the stand-in serves no OpenAPI documents; the server validates against the CRD schema anyway.
  const run = await kubectl(cluster, ['apply', '--validate=false', '-n', namespace, '-f', file]);
  if (run.code !== 0) throw new Error(`kubectl apply failed (${run.code}): ${run.stderr}`);
  return run;
}
