import { WorkerOutput } from './processes';

/**
 * The body every allocation worker process shares: `clients` concurrent loops of `perClient`
 * allocations each, owners named `<worker>-c<client>-<i>`, every grant and every error kept.
 * Each loop is bounded, so the process ends by itself.
 */
export async function allocationLoops(
  shape: { worker: string; clients: number; perClient: number },
  allocate: (client: number, owner: string) => Promise<{ cidr: string }>,
): Promise<WorkerOutput> {
  const output: WorkerOutput = { granted: [], errors: [] };
  await Promise.all(
    Array.from({ length: shape.clients }, async (_, client) => {
      for (let i = 0; i < shape.perClient; i++) {
        const owner = `${shape.worker}-c${client}-${i}`;
        try {
          output.granted.push({ owner, cidr: (await allocate(client, owner)).cidr });
        } catch (e) {
          output.errors.push(`${owner}: ${(e as Error).message}`);
        }
      }
    }),
  );
  return output;
}

/** Runs a worker's main: its output as one JSON line on stdout, a crash as exit code 1. */
export function workerMain(main: () => Promise<WorkerOutput>): void {
  main().then(
    (output) => process.stdout.write(`${JSON.stringify(output)}\n`),
    (e) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(1);
    },
  );
}
