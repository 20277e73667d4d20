import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestCluster } from './cluster';

/**
 * kubectl as a second real client. Here /usr/bin/kubectl is Google Cloud SDK's dispatcher: it
 * asks the server's /version and runs the matching kubectl.1.NN (the stand-in reports 1.32);
 * CI installs Debian's kubectl 1.20 when there is none. Both print the server's Table. A fresh
 * discovery cache per run, so no answer of an earlier stand-in (another port) is reused.
 */
export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

const KUBECTL = process.env.KUBECTL ?? 'kubectl';

let available: Promise<boolean> | undefined;

export function kubectlAvailable(): Promise<boolean> {
  available ??= new Promise((resolve) => execFile(KUBECTL, ['version', '--client'], { timeout: 30_000 }, (error) => resolve(error === null)));
  return available;
}

export function kubectl(cluster: TestCluster, args: string[]): Promise<KubectlRun> {
  const cache = mkdtempSync(join(tmpdir(), 'ipam-kubectl-cache-'));
  return new Promise((resolve) => {
    execFile(KUBECTL, [...cluster.kubectlAsAdmin, '--cache-dir', cache, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

/**
 * `kubectl get` output as rows of cells, cut at the header's column starts (kubectl aligns
 * every column under its header; an empty cell stays empty), with ages ("3s", "2m") as "<age>".
 */
export function tableRows(stdout: string): string[][] {
  const [header, ...lines] = stdout.replace(/\n+$/, '').split('\n');
  const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => m.index!);
  return [header, ...lines].map((line) =>
    starts.map((start, i) => {
      const cell = line.slice(start, starts[i + 1]).trim();
      return header.slice(start).startsWith('AGE') && /^\d+[smhdy]/.test(cell) ? '<age>' : cell;
    }),
  );
}

/**
 * `kubectl get <plural> -n <namespace> [options]` as table rows, or undefined when kubectl is not
 * installed on a developer's machine (in CI, where .ci/run installs it, that is a failure).
 */
export async function kubectlGet(cluster: TestCluster, plural: string, namespace: string, options: string[] = []): Promise<string[][] | undefined> {
  if (!(await kubectlAvailable())) {
    if (process.env.CI) throw new Error('kubectl is needed in CI (.ci/run installs it)');
    console.log('      (kubectl not installed: the kubectl part is skipped)');
    return undefined;
  }
  const shown = await kubectl(cluster, ['get', plural, '-n', namespace, ...options]);
  if (shown.code !== 0 || shown.stderr !== '') throw new Error(`kubectl get ${plural} failed (${shown.code}): ${shown.stderr}`);
  return tableRows(shown.stdout);
}

/** What KubeSlice's slice IPAM shows once blue and red each gave worker-1 and worker-2 a /24. */
export const KUBESLICE_SLICES_TABLE = [
  ['NAME', 'SLICE SUBNET', 'AVAILABLE', 'TOTAL', 'AGE'],
  ['blue', '10.2.0.0/16', '254', '256', '<age>'],
  ['red', '10.3.0.0/16', '254', '256', '<age>'],
];
