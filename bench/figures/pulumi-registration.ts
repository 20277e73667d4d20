/**
 * What a large stack costs at the Pulumi edge: a preview that registers one pool and 1,000
 * claims, through Pulumi's own dynamic provider host (the test harness's engine: Check for every
 * resource, over gRPC). Pulumi serializes a dynamic provider once per provider object, so the
 * SDK keeps one per resource kind; the baseline, in the same run, is the same program with a
 * provider object per resource, as pulumi-ipam did before (every resource serialized its own).
 * Also reported: what one claim adds to the state after `up`, and how much of that is the
 * serialized provider text every dynamic resource carries (twice: inputs and outputs).
 */
import { join } from 'node:path';
import { LocalStack } from '../../test/support/pulumi/local-stack';
import { programWorkspace } from '../../test/support/pulumi/workspace';
import { Report, round } from '../lib/figure';
import { median, progress } from '../lib/measure';

const CLAIMS = 1_000;
const REPS = 3;

type Sdk = ReturnType<LocalStack['sdk']>;

function program(sdk: Sdk) {
  return () => {
    const net = new sdk.SubnetPool('net', { cidr: '10.0.0.0/8', defaultPrefixLength: 24 });
    for (let i = 0; i < CLAIMS; i++) new sdk.SubnetPoolClaim(`c${i}`, { pool: net.name });
  };
}

export async function run(report: Report): Promise<void> {
  // Pulumi's SDK takes a stack trace for every promise it makes (runtime/debuggable.ts); with
  // tsx's source maps on, formatting those is most of the time in this process, and would
  // drown the provider's own cost. Both variants run under the same setting.
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  const workspace = programWorkspace();
  const stack = new LocalStack(workspace, { project: 'bench', stack: 'reg', config: { 'ipam:state': join(workspace.dir, 'state.db') } });
  const sdk = stack.sdk();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const provider = require(join(workspace.dir, 'node_modules', 'pulumi-ipam', 'dist', 'sdk', 'nodejs', 'provider.js')) as { providerFor: (kind: string) => object };
  const cached = provider.providerFor;
  const seconds = async (ownProviderEach: boolean): Promise<number> => {
    // The uncached variant: a fresh copy of the kind's provider object for every resource.
    provider.providerFor = ownProviderEach ? (kind: string) => ({ ...cached(kind) }) : cached;
    const started = performance.now();
    await stack.preview(program(sdk));
    return (performance.now() - started) / 1000;
  };
  const ours: number[] = [];
  const before: number[] = [];
  await seconds(false); // warm-up: JIT, the host's module cache
  for (let rep = 0; rep < REPS; rep++) {
    before.push(await seconds(true));
    ours.push(await seconds(false));
    progress(`preview of ${CLAIMS} claims: ${ours[rep].toFixed(2)} s (a provider per resource: ${before[rep].toFixed(2)} s)`);
  }
  provider.providerFor = cached;
  process.setSourceMapsEnabled(sourceMaps);
  const value = median(ours);
  const baseline = median(before);
  report({
    figure: `pulumi-preview-${CLAIMS}-claims`,
    value: round(value),
    unit: 's',
    runs: ours.map(round),
    baseline: round(baseline),
    baselineName: 'the same preview with a provider object per resource (as before one provider per kind)',
    ratio: round(value / baseline),
  });

  await stack.up(program(sdk));
  const claims = stack.resources.filter((r) => r.name.startsWith('c'));
  const bytes = JSON.stringify(claims).length / claims.length;
  const providerText = String(claims[0].inputs.__provider).length * 2;
  report({ figure: 'pulumi-state-bytes-per-claim', value: round(bytes), unit: 'bytes', providerTextBytes: providerText, providerShare: round(providerText / bytes) });
}
