import * as pulumi from '@pulumi/pulumi';
import { join } from 'node:path';
import { ProviderHost, Props } from './provider-host';
import { ProgramWorkspace } from './workspace';

/**
 * What the Pulumi engine does with a program, reduced to what a dynamic provider can observe,
 * so programs run for real without the Pulumi CLI (which cannot be installed here):
 *   - the program runs in this process under pulumi.runtime.setMocks, whose monitor hands each
 *     resource registration to us;
 *   - each resource then goes through Pulumi's own dynamic provider host, over gRPC, exactly as
 *     the engine drives it: Configure; Check; Diff against the saved state; Create, Update, or
 *     Replace (delete first when Diff says deleteBeforeReplace, else create first and delete
 *     the old one at the end); Delete for resources the program no longer declares;
 *     Read for refresh (an empty ID drops the resource); Delete in reverse order for destroy.
 *   - in preview, Create/Update/Delete are not called and computed outputs are unknown.
 * The mocks replace only the engine's resource monitor; the provider, the serialized closure
 * and the backend are the real ones.
 */
// Internal modules of @pulumi/pulumi with no public typings for these members.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknown } = require('@pulumi/pulumi/output') as { unknown: unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeSettings = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require('@pulumi/pulumi/runtime/debuggable') as { leakedPromises(): [Set<unknown>, string] };

export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

export type StepOp = 'create' | 'update' | 'replace' | 'same' | 'delete' | 'refresh';

export interface Step {
  op: StepOp;
  urn: string;
  name: string;
  type: string;
  replaces?: string[];
  deleteBeforeReplace?: boolean;
}

export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  id: string;
  inputs: Props;
  outputs: Props;
}

export interface RunResult {
  steps: Step[];
  outputs: Props;
}

/** A program: a file of the workspace (index.ts), or a function run in its place. */
export type Program = string | (() => Record<string, unknown> | void);

export class UpdateError extends Error {
  constructor(
    readonly errors: Error[],
    readonly steps: Step[],
  ) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

/** Stacks that can read each other's outputs through pulumi.StackReference. */
export class StackRegistry {
  readonly stacks = new Map<string, LocalStack>();

  outputsOf(name: string): Props {
    const stack = [...this.stacks.values()].find((s) => s.fullName === name || s.fullName.endsWith(`/${name}`));
    if (stack === undefined) throw new Error(`StackReference: no stack "${name}"`);
    return stack.outputs;
  }
}

export interface LocalStackOptions {
  project: string;
  stack: string;
  /** Stack config, namespaced like Pulumi.<stack>.yaml ("ipam:state", "app:network"). */
  config?: Record<string, string>;
  registry?: StackRegistry;
  /** Environment of the provider host (IPAM_* variables). */
  env?: NodeJS.ProcessEnv;
  /** The program's folder inside the workspace, when not its root (multi-project examples). */
  programDir?: string;
}

export class LocalStack {
  resources: ResourceState[] = [];
  outputs: Props = {};

  constructor(
    readonly workspace: ProgramWorkspace,
    readonly options: LocalStackOptions,
  ) {
    options.registry?.stacks.set(this.fullName, this);
  }

  get fullName(): string {
    return `organization/${this.options.project}/${this.options.stack}`;
  }

  /** The pulumi-ipam package as the program sees it (installed from the tarball). */
  sdk(): typeof import('../../../sdk/nodejs') {
    return require(join(this.workspace.dir, 'node_modules', 'pulumi-ipam'));
  }

  urn(type: string, name: string): string {
    return `urn:pulumi:${this.options.stack}::${this.options.project}::${type}::${name}`;
  }

  /** The program's index.ts. */
  get entry(): string {
    return join(this.options.programDir ?? this.workspace.dir, 'index.ts');
  }

  preview(program: Program = this.entry): Promise<RunResult> {
    return this.run(program, true);
  }

  up(program: Program = this.entry): Promise<RunResult> {
    return this.run(program, false);
  }

  /** Reads every resource back from the backend; what is gone leaves the state. */
  async refresh(): Promise<Step[]> {
    return this.withHost(async (host) => {
      const steps: Step[] = [];
      const kept: ResourceState[] = [];
      for (const r of this.resources) {
        const read = await host.read(r.urn, r.id, r.outputs);
        if (read.id === '') {
          steps.push({ op: 'delete', urn: r.urn, name: r.name, type: r.type });
          continue;
        }
        kept.push({ ...r, outputs: read.outs });
        steps.push({ op: 'refresh', urn: r.urn, name: r.name, type: r.type });
      }
      this.resources = kept;
      return steps;
    });
  }

  async destroy(): Promise<Step[]> {
    return this.withHost(async (host) => {
      const steps: Step[] = [];
      for (const r of [...this.resources].reverse()) {
        await host.delete(r.urn, r.id, r.outputs);
        steps.push({ op: 'delete', urn: r.urn, name: r.name, type: r.type });
        this.resources = this.resources.filter((x) => x !== r);
      }
      this.outputs = {};
      return steps;
    });
  }

  private async withHost<T>(work: (host: ProviderHost) => Promise<T>): Promise<T> {
    const host = await ProviderHost.start(this.options.programDir ?? this.workspace.dir, this.workspace.dir, this.options.env);
    try {
      await host.configure(this.options.config ?? {});
      return await work(host);
    } finally {
      await host.stop();
    }
  }

  private run(program: Program, preview: boolean): Promise<RunResult> {
    return this.withHost(async (host) => {
      const steps: Step[] = [];
      const errors: Error[] = [];
      const registered = new Set<string>();
      const next: ResourceState[] = [];
      const replacedLater: ResourceState[] = [];
      const previous = new Map(this.resources.map((r) => [r.urn, r]));
      // After a failure, resources that depend on the failed one never register (their inputs
      // reject), so Pulumi's RPC queue never drains; like the CLI, stop once nothing is in flight.
      let inFlight = 0;
      let onIdleAfterError: (() => void) | undefined;
      const failedAndIdle = new Promise<void>((resolve) => (onIdleAfterError = resolve));
      const settleStep = () => {
        inFlight -= 1;
        if (errors.length > 0 && inFlight === 0) onIdleAfterError!();
      };
      await pulumi.runtime.setMocks(
        {
          call: () => {
            throw new Error('pulumi-ipam programs make no invokes');
          },
          newResource: async (args) => {
            if (args.type === 'pulumi:pulumi:StackReference') {
              const outputs = this.options.registry!.outputsOf(args.inputs.name ?? args.name);
              return { id: args.name, state: { name: args.inputs.name ?? args.name, outputs, secretOutputNames: [] } };
            }
            const urn = this.urn(args.type, args.name);
            registered.add(urn);
            inFlight += 1;
            try {
              return await this.step(host, { urn, type: args.type, name: args.name, inputs: args.inputs }, previous.get(urn), preview, steps, next, replacedLater);
            } catch (e) {
              errors.push(e as Error);
              throw e;
            } finally {
              settleStep();
            }
          },
        },
        this.options.project,
        this.options.stack,
        preview,
      );
      pulumi.runtime.setAllConfig(this.options.config ?? {});
      const swallow = (reason: unknown) => {
        if (!errors.includes(reason as Error)) errors.push(reason as Error);
      };
      process.on('unhandledRejection', swallow);
      let outputs: Props = {};
      try {
        const exported = this.load(program);
        await Promise.race([runtimeSettings.waitForRPCs(), failedAndIdle]);
        if (errors.length === 0) outputs = await resolveOutputs(exported ?? {});
      } catch (e) {
        swallow(e);
      } finally {
        await new Promise((resolve) => setImmediate(resolve));
        process.off('unhandledRejection', swallow);
      }
      const dropped = this.resources.filter((r) => !registered.has(r.urn)).reverse();
      if (errors.length > 0) {
        // The CLI would end the program's process here; its pending promises are abandoned on purpose.
        debuggable.leakedPromises(); // reads and resets the runtime's leak candidates
        // As Pulumi: what completed is saved; nothing is deleted after a failed program.
        if (!preview) this.resources = [...this.resources.filter((r) => !next.some((n) => n.urn === r.urn)), ...next];
        throw new UpdateError(errors, steps);
      }
      for (const r of [...replacedLater, ...dropped]) {
        if (!preview) await host.delete(r.urn, r.id, r.outputs);
        if (dropped.includes(r)) steps.push({ op: 'delete', urn: r.urn, name: r.name, type: r.type });
      }
      if (!preview) {
        this.resources = next;
        this.outputs = outputs;
      }
      return { steps, outputs };
    });
  }

  private async step(
    host: ProviderHost,
    resource: { urn: string; type: string; name: string; inputs: Props },
    prev: ResourceState | undefined,
    preview: boolean,
    steps: Step[],
    next: ResourceState[],
    replacedLater: ResourceState[],
  ): Promise<{ id: string | undefined; state: Props }> {
    const { urn, type, name } = resource;
    const news = toWire(resource.inputs) as Props;
    const checked = await host.check(urn, prev?.inputs ?? {}, news);
    if (checked.failures.length > 0) {
      throw new Error(`${type} "${name}": ${checked.failures.map((f) => f.reason).join('; ')}`);
    }
    const inputs = checked.inputs;
    const pending = (base: Props) => ({ id: undefined, state: withUnknownOutputs(base, resource.inputs) });
    if (prev === undefined) {
      steps.push({ op: 'create', urn, name, type });
      if (preview) return pending(inputs);
      const created = await host.create(urn, inputs);
      next.push({ urn, type, name, id: created.id, inputs, outputs: created.outs });
      return { id: created.id, state: created.outs };
    }
    const diff = await host.diff(urn, prev.id, prev.outputs, inputs);
    if (diff.changes === 'none') {
      steps.push({ op: 'same', urn, name, type });
      next.push({ ...prev, inputs });
      return { id: prev.id, state: prev.outputs };
    }
    if (diff.replaces.length > 0) {
      steps.push({ op: 'replace', urn, name, type, replaces: diff.replaces, deleteBeforeReplace: diff.deleteBeforeReplace });
      if (preview) return pending(inputs);
      if (diff.deleteBeforeReplace) await host.delete(urn, prev.id, prev.outputs);
      else replacedLater.push(prev);
      const created = await host.create(urn, inputs);
      next.push({ urn, type, name, id: created.id, inputs, outputs: created.outs });
      return { id: created.id, state: created.outs };
    }
    steps.push({ op: 'update', urn, name, type });
    if (preview) return { id: prev.id, state: { ...prev.outputs, ...inputs } };
    const outs = await host.update(urn, prev.id, prev.outputs, inputs);
    next.push({ ...prev, inputs, outputs: outs });
    return { id: prev.id, state: outs };
  }

  private load(program: Program): Record<string, unknown> | void {
    if (typeof program === 'function') return program();
    for (const key of Object.keys(require.cache)) {
      if (key.startsWith(this.workspace.dir) && !key.includes('node_modules')) delete require.cache[key];
    }
    return require(program);
  }
}

/** Pulumi's wire form of inputs: the unknown marker becomes the sentinel string; undefined is dropped. */
function toWire(value: unknown): unknown {
  if (value === unknown) return UNKNOWN;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}

/** In preview, every declared output that is not an input is unknown. */
function withUnknownOutputs(inputs: Props, declared: Props): Props {
  const state: Props = { ...inputs };
  for (const name of Object.keys(declared)) if (state[name] === undefined) state[name] = UNKNOWN;
  return state;
}

async function resolveOutputs(exported: Record<string, unknown>): Promise<Props> {
  const outputs: Props = {};
  for (const [name, value] of Object.entries(exported)) {
    const output = pulumi.output(value) as unknown as { isKnown: Promise<boolean>; promise(): Promise<unknown> };
    outputs[name] = (await output.isKnown) ? await output.promise() : UNKNOWN;
  }
  return outputs;
}
