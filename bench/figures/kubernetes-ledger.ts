/**
 * The Kubernetes backend with 1,000, 10,000 and 50,000 allocations held in one namespace, on
 * the API stand-in (test/support/kube-apiserver.ts) through the unmodified client library:
 *   - allocations/s of one caller (one commit each, as a `pulumi up` creating claims one after
 *     another), and of 16 concurrent callers (the engine batches what is queued into one commit);
 *   - bytes written per commit: the ledger object's JSON, which every commit rewrites whole,
 *     next to what the same records took in the earlier release's format (JSON records).
 * The store alone (no derived objects: a projection pass adds about six small requests per
 * commit). The fill is the tests' (test/kubernetes/fill.ts): records with random parts in their
 * owner keys and times to the millisecond, three blocks for every two host addresses.
 *
 * Baseline, measured in the same run: the stand-in's bare update round trip of a small object
 * (a ClientIp of about 400 bytes, one annotation changed per update), the floor of any commit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ipam } from '../../provider/src/engine/ipam';
import { KubeClient } from '../../provider/src/store/kubernetes/client';
import { loadKubeconfig } from '../../provider/src/store/kubernetes/kubeconfig';
import { LEDGER_NAME, PLURAL } from '../../provider/src/store/kubernetes/resources';
import { MAX_LEDGER_BYTES } from '../../provider/src/store/kubernetes/ledger';
import { KubernetesStore } from '../../provider/src/store/kubernetes/store';
import { KubeApiServer } from '../../test/support/kube-apiserver';
import { FILL_POOLS, fillRecord, fillSpace } from '../../test/kubernetes/fill';
import { Report, judge, round } from '../lib/figure';
import { RateSample, measureRate, progress } from '../lib/measure';

const NS = 'bench';
const HELD = [1_000, 10_000, 50_000];
/** Sequential allocations per timed repetition: a few seconds each at the rates seen here. */
const SEQUENTIAL_OPS: Record<number, number> = { 1_000: 100, 10_000: 40, 50_000: 15 };
const CALLERS = 16;
const PER_CALLER = 8;
const BASELINE_OPS = 300;

export async function run(report: Report): Promise<void> {
  const standIn = await KubeApiServer.start();
  const dir = mkdtempSync(join(tmpdir(), 'ipam-bench-kube-'));
  try {
    const client = new KubeClient(loadKubeconfig({ kubeconfig: standIn.writeKubeconfig(dir) }));
    const baseline = await bareUpdates(client);
    progress(`bare update round trip: ${round(baseline.median)}/s`);
    for (const held of HELD) {
      standIn.reset();
      const store = new KubernetesStore(client, { namespace: NS });
      progress(`filling ${held}`);
      await fillSpace(store, NS, held);
      const ipam = Ipam.create(store, { actor: 'bench' });
      let n = 0;
      const allocate = () => ipam.allocate({ space: NS, pool: FILL_POOLS.blocks.name, owner: `bench-${n++}` });
      const sequential = await measureRate({ warmups: 1, reps: 3, opsPerRep: SEQUENTIAL_OPS[held] }, async () => {
        for (let i = 0; i < SEQUENTIAL_OPS[held]; i++) await allocate();
      });
      const concurrent = await measureRate({ warmups: 1, reps: 3, opsPerRep: CALLERS * PER_CALLER }, async () => {
        await Promise.all(Array.from({ length: CALLERS }, async () => {
          for (let i = 0; i < PER_CALLER; i++) await allocate();
        }));
      });
      const bytes = Buffer.byteLength(JSON.stringify(await client.get(PLURAL.IpamLedger, NS, LEDGER_NAME)));
      const earlierBytes = earlierFormatBytes(held);
      const common = { held, baseline: round(baseline.median), baselineName: 'bare update round trip of a small object on the stand-in, per second' };
      report({ figure: `kubernetes-ledger-${held}-sequential`, value: round(sequential.median), unit: 'allocations/s', ...common, ratio: round(sequential.median / baseline.median), runs: sequential.runs, repetitions: `1 warm-up + 3 timed of ${SEQUENTIAL_OPS[held]}, median` });
      report({ figure: `kubernetes-ledger-${held}-concurrent`, value: round(concurrent.median), unit: 'allocations/s', ...common, ratio: round(concurrent.median / baseline.median), callers: CALLERS, runs: concurrent.runs, repetitions: `1 warm-up + 3 timed of ${CALLERS * PER_CALLER}, median` });
      report({
        figure: `kubernetes-ledger-${held}-bytes-per-commit`,
        value: bytes,
        unit: 'bytes',
        ...judge(bytes, { below: MAX_LEDGER_BYTES }),
        bytesPerAllocation: round(bytes / held),
        earlierFormatBytes: earlierBytes,
        baseline: earlierBytes,
        baselineName: 'the same records in the earlier release format (JSON records; refused past 1 MiB)',
        ratio: round(bytes / earlierBytes),
      });
      await ipam.close();
    }
  } finally {
    await standIn.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Update round trips of a small object, one after another: the stand-in's and the client library's floor. */
async function bareUpdates(client: KubeClient): Promise<RateSample> {
  let object = await client.create(PLURAL.ClientIp, NS, { apiVersion: 'ipam.pulumi-ipam.dev/v1alpha1', kind: 'ClientIp', metadata: { name: 'baseline' }, spec: { poolRef: 'corp', owner: 'baseline' } });
  let n = 0;
  return measureRate({ warmups: 1, reps: 3, opsPerRep: BASELINE_OPS }, async () => {
    for (let i = 0; i < BASELINE_OPS; i++) {
      object = await client.replace(PLURAL.ClientIp, NS, { ...object, metadata: { ...object.metadata, annotations: { n: String(n++) } } });
    }
  });
}

/** What the earlier release wrote for the same records: the ledger as JSON (pools, allocations, revisions, audit). */
function earlierFormatBytes(held: number): number {
  const spec = { version: 1, pools: [FILL_POOLS.blocks, FILL_POOLS.peers], allocations: Array.from({ length: held }, (_, i) => fillRecord(i, held)), revisions: {}, audit: [] };
  return Buffer.byteLength(JSON.stringify({ apiVersion: 'ipam.pulumi-ipam.dev/v1alpha1', kind: 'IpamLedger', metadata: { name: LEDGER_NAME, namespace: NS }, spec }));
}
