import * as pulumi from '@pulumi/pulumi';
import { join } from 'node:path';
import { ProviderHost, Props } from './provider-host';
import { ProgramWorkspace } from './workspace';
import { evaluate, readYamlProgram } from './yaml-program';

/**
 * What the Pulumi engine does with a program, reduced to what a provider can observe, so
 * programs run for real without the Pulumi CLI (which cannot be installed here). It follows the
 * engine's own rules (pulumi/pulumi pkg/resource/deploy/step_generator.go, step_executor.go):
 *   - the program runs in this process; the SDK's resource monitor is Pulumi's mock monitor with
 *     its RegisterResource taken over here, so each registration arrives with its parent,
 *     dependencies, property dependencies and aliases, and gets the URN the engine would give
 *     (the full chain of parent types);
 *   - each custom resource goes through Pulumi's own dynamic provider host, over gRPC:
 *     Configure (the stack's config, or, as CLIs before 3.139 did, only PULUMI_CONFIG); Check
 *     (old inputs, found by URN or by alias); Diff (old outputs) ; Create, Update, or Replace;
 *   - a delete-before-replace first asks Diff of every resource that depends on the replaced one,
 *     with the inputs that come from it unknown, and deletes those that would be replaced, in
 *     reverse dependency order; they are created again when they register;
 *   - deletes (resources the program dropped, replaced resources, destroy) run in parallel,
 *     each as soon as nothing that depends on it is left;
 *   - in preview, Create/Update/Delete are not called; a create's or update's outputs are the
 *     checked inputs, and what is not among them is unknown.
 * The mock monitor stands in only for the engine's resource monitor; the provider host, the
 * serialized provider and the backend are the real ones.
 */
// Internal modules of @pulumi/pulumi with no public typings for these members.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknown } = require('@pulumi/pulumi/output') as { unknown: unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeSettings = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void>; getMonitor(): MockMonitor };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require('@pulumi/pulumi/runtime/debuggable') as { leakedPromises(): [Set<unknown>, string] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require('@pulumi/pulumi/runtime/rpc') as { deserializeProperties(s: unknown): Props; serializeProperties(label: string, p: Props): Promise<Props> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const resourcePb = require('@pulumi/pulumi/proto/resource_pb');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const structPb = require('google-protobuf/google/protobuf/struct_pb');

interface MockMonitor {
  resources: Map<string, { urn: string; id: string | null; state: Props }>;
  registerResource(req: RegisterRequest, callback: (err: Error | null, res?: unknown) => void): void;
}

/** The parts of pulumirpc.RegisterResourceRequest the engine acts on here. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): unknown;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(f: (deps: { getUrnsList(): string[] }, key: string) => void): void };
  getAliasesList(): AliasMessage[];
  getAliasurnsList(): string[];
}

interface AliasMessage {
  getUrn(): string;
  getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

type StepOp = 'create' | 'update' | 'replace' | 'same' | 'delete' | 'refresh';

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
  /** Empty for a component resource (no provider, nothing to create or delete). */
  id: string;
  custom: boolean;
  parent?: string;
  /** URNs this resource depends on, and which input came from which of them. */
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  inputs: Props;
  outputs: Props;
}

export interface RunResult {
  steps: Step[];
  outputs: Props;
}

/**
 * A program: a file of the workspace (index.ts), a function run in its place, or a Pulumi YAML
 * program (its Pulumi.yaml), which needs the provider plugin (options.plugin).
 */
export type Program = string | (() => Record<string, unknown> | void) | { yaml: string };

/** Check refused a resource's inputs: what the engine prints, with the failures as the provider gave them. */
export class CheckFailure extends Error {
  constructor(
    readonly type: string,
    readonly resourceName: string,
    readonly failures: { property: string; reason: string }[],
  ) {
    super(`${type} "${resourceName}": ${failures.map((f) => f.reason).join('; ')}`);
  }
}

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
  /**
   * How the provider gets the config: in Configure, as Pulumi CLIs from 3.139 send it (default),
   * or only in the PULUMI_CONFIG variable of its process, as older CLIs did.
   */
  configVia?: 'configure' | 'environment';
  registry?: StackRegistry;
  /** Environment of the provider host (IPAM_* variables). */
  env?: NodeJS.ProcessEnv;
  /** The program's folder inside the workspace, when not its root (multi-project examples). */
  programDir?: string;
  /**
   * The provider plugin executable (pulumi-resource-ipam) to serve the `ipam` package, as the
   * engine would load it; without it, resources go through Pulumi's dynamic provider host.
   */
  plugin?: string;
}

/** The default provider of the `ipam` package, as the engine names it in a stack. */
const defaultProviderUrn = (stack: string, project: string) => `urn:pulumi:${stack}::${project}::pulumi:providers:ipam::default`;

/** A run's bookkeeping, as the engine's step generator keeps it. */
interface Run {
  host: ProviderHost;
  preview: boolean;
  steps: Step[];
  next: ResourceState[];
  /** Old resources to delete at the end: replaced (create before delete) or no longer declared. */
  replacedLater: ResourceState[];
  registered: Set<string>;
  /** Old URNs a new registration took over by alias. */
  aliased: Set<string>;
  /** Dependents deleted ahead of a delete-before-replace, with the inputs that replace them. */
  dependentReplaceKeys: Map<string, string[]>;
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
    // The package as installed in the workspace, at a path known only at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(join(this.workspace.dir, 'node_modules', 'pulumi-ipam'));
  }

  /** The URN the engine gives a resource: the stack, the project, the parent types and its own, its name. */
  urn(type: string, name: string, parent?: string): string {
    const chain = parent === undefined || parent === '' ? '' : qualifiedType(parent);
    const types = chain === '' || chain === 'pulumi:pulumi:Stack' ? type : `${chain}$${type}`;
    return `urn:pulumi:${this.options.stack}::${this.options.project}::${types}::${name}`;
  }

  /** `pulumi stack rename`: the stack keeps its resources, every URN takes the new stack name. */
  renameStack(stack: string): void {
    const from = `urn:pulumi:${this.options.stack}::`;
    const to = `urn:pulumi:${stack}::`;
    const move = (urn: string) => (urn.startsWith(from) ? to + urn.slice(from.length) : urn);
    this.options.registry?.stacks.delete(this.fullName);
    this.resources = this.resources.map((r) => ({
      ...r,
      urn: move(r.urn),
      parent: r.parent === undefined ? undefined : move(r.parent),
      dependencies: r.dependencies.map(move),
      propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map(move)])),
    }));
    this.options.stack = stack;
    this.options.registry?.stacks.set(this.fullName, this);
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
        if (!r.custom) {
          kept.push(r);
          continue;
        }
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

  /** Deletes everything, dependents first, independent resources in parallel. */
  async destroy(): Promise<Step[]> {
    return this.withHost(async (host) => {
      const steps: Step[] = [];
      await deleteInOrder(host, this.resources, (r) => {
        steps.push({ op: 'delete', urn: r.urn, name: r.name, type: r.type });
        this.resources = this.resources.filter((x) => x !== r);
      });
      this.outputs = {};
      return steps;
    });
  }

  private async withHost<T>(work: (host: ProviderHost) => Promise<T>): Promise<T> {
    const config = this.options.config ?? {};
    const programDir = this.options.programDir ?? this.workspace.dir;
    if (this.options.plugin !== undefined) return this.withPlugin(this.options.plugin, programDir, config, work);
    const viaEnv = this.options.configVia === 'environment';
    const env = viaEnv ? { ...this.options.env, PULUMI_CONFIG: JSON.stringify(config) } : this.options.env;
    const host = await ProviderHost.start(programDir, this.workspace.dir, env);
    try {
      await host.configure(viaEnv ? {} : config);
      return await work(host);
    } finally {
      await host.stop();
    }
  }

  /**
   * The plugin, loaded as the engine loads a default provider: GetPluginInfo; the stack's
   * `ipam:*` config becomes the provider's inputs (keys without the namespace), checked with
   * CheckConfig, then Configure.
   */
  private async withPlugin<T>(plugin: string, programDir: string, config: Record<string, string>, work: (host: ProviderHost) => Promise<T>): Promise<T> {
    const host = await ProviderHost.startPlugin(plugin, programDir, this.options.env);
    try {
      await host.getPluginInfo();
      const inputs = Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith('ipam:')).map(([k, v]) => [k.slice('ipam:'.length), v]));
      const checked = await host.checkConfig(defaultProviderUrn(this.options.stack, this.options.project), {}, inputs);
      if (checked.failures.length > 0) throw new CheckFailure('pulumi:providers:ipam', 'default', checked.failures);
      await host.configure(checked.inputs as Record<string, string>);
      return await work(host);
    } finally {
      await host.stop();
    }
  }

  /**
   * `pulumi import TYPE NAME ID` (the engine's planned import): Read with only the ID gives the
   * outputs and the inputs a program would declare; Check of those inputs must pass; both go
   * into the state.
   */
  async importResource(type: string, name: string, id: string): Promise<ResourceState> {
    return this.withHost(async (host) => {
      const urn = this.urn(type, name);
      if (this.resources.some((r) => r.urn === urn)) throw new Error(`resource '${urn}' already exists`);
      const read = await host.read(urn, id, {});
      if (read.id === '') throw new Error(`resource '${id}' does not exist`);
      if (read.inputs === undefined) throw new Error(`provider does not support importing resources; please try updating the 'ipam' plugin`);
      const checked = await host.check(urn, read.inputs, read.inputs);
      if (checked.failures.length > 0) throw new CheckFailure(type, name, checked.failures);
      const state: ResourceState = { urn, type, name, id: read.id, custom: true, dependencies: [], propertyDependencies: {}, inputs: read.inputs, outputs: read.outs };
      this.resources.push(state);
      return state;
    });
  }

  private run(program: Program, preview: boolean): Promise<RunResult> {
    return this.withHost(async (host) => {
      const run: Run = {
        host,
        preview,
        steps: [],
        next: [],
        replacedLater: [],
        registered: new Set(),
        aliased: new Set(),
        dependentReplaceKeys: new Map(),
      };
      const { errors, outputs } = typeof program === 'object' ? await this.runYaml(run, program.yaml) : await this.runNode(run, program);
      return this.finish(run, errors, outputs);
    });
  }

  /** A Node.js program, in this process, its registrations taken from Pulumi's mock monitor. */
  private async runNode(run: Run, program: string | (() => Record<string, unknown> | void)): Promise<{ errors: Error[]; outputs: Props }> {
    const preview = run.preview;
    const errors: Error[] = [];
    // After a failure, resources that depend on the failed one never register (their inputs
    // reject), so Pulumi's RPC queue never drains; like the CLI, stop once nothing is in flight.
    let inFlight = 0;
    let onIdleAfterError: (() => void) | undefined;
    const failedAndIdle = new Promise<void>((resolve) => (onIdleAfterError = resolve));
    await pulumi.runtime.setMocks(
      {
        call: () => {
          throw new Error('pulumi-ipam programs make no invokes');
        },
        // Only reads reach the mocks now: StackReference is the one resource programs read.
        newResource: async (args) => {
          if (args.type !== 'pulumi:pulumi:StackReference') throw new Error(`cannot read a ${args.type}`);
          const outputs = this.options.registry!.outputsOf(args.inputs.name ?? args.name);
          return { id: args.name, state: { name: args.inputs.name ?? args.name, outputs, secretOutputNames: [] } };
        },
      },
      this.options.project,
      this.options.stack,
      preview,
    );
    const monitor = runtimeSettings.getMonitor();
    monitor.registerResource = (req, callback) => {
      inFlight += 1;
      this.register(run, monitor, req)
        .then(
          (res) => callback(null, res),
          (e: Error) => {
            errors.push(e);
            callback(e);
          },
        )
        .finally(() => {
          inFlight -= 1;
          if (errors.length > 0 && inFlight === 0) onIdleAfterError!();
        });
    };
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
    return { errors, outputs };
  }

  /**
   * A Pulumi YAML program: every resource registers once the resources its expressions and
   * dependsOn name have registered (the YAML host's order), independent ones at once.
   */
  private async runYaml(run: Run, file: string): Promise<{ errors: Error[]; outputs: Props }> {
    const program = readYamlProgram(file);
    const byName = new Map(program.resources.map((r) => [r.name, r]));
    const states = new Map<string, Props>();
    const urnOf = (name: string) => this.urn(byName.get(name)!.type, name);
    // In preview what a resource has not output yet is unknown, as the YAML host sees it.
    const outputsOf = (name: string): Props => {
      const state = states.get(name) ?? {};
      return run.preview ? new Proxy(state, { get: (target, key: string) => target[key] ?? UNKNOWN }) : state;
    };
    const registrations = new Map<string, Promise<void>>();
    const register = (name: string): Promise<void> => {
      let registration = registrations.get(name);
      if (registration === undefined) {
        const r = byName.get(name)!;
        registration = (async () => {
          await Promise.all(r.dependsOn.map(register));
          const urn = urnOf(name);
          run.registered.add(urn);
          const resource = {
            urn,
            type: r.type,
            name,
            custom: true,
            dependencies: r.dependsOn.map(urnOf),
            propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map(urnOf)])),
            inputs: evaluate(r.properties, outputsOf, UNKNOWN) as Props,
          };
          const result = await this.step(run, resource, this.resources.find((x) => x.urn === urn));
          states.set(name, result.state);
        })();
        registrations.set(name, registration);
      }
      return registration;
    };
    const errors: Error[] = [];
    await Promise.all(program.resources.map((r) => register(r.name).catch((e: Error) => void (errors.includes(e) || errors.push(e)))));
    const outputs = errors.length > 0 ? {} : (evaluate(program.outputs, outputsOf, UNKNOWN) as Props);
    return { errors, outputs };
  }

  /** The end of an update, as the engine ends it: what failed stops it; dropped and replaced resources are deleted. */
  private async finish(run: Run, errors: Error[], outputs: Props): Promise<RunResult> {
    const { host, preview } = run;
    const dependentsDeleted = this.resources.filter((r) => run.dependentReplaceKeys.has(r.urn));
    const dropped = this.resources.filter((r) => !run.registered.has(r.urn) && !run.aliased.has(r.urn) && !run.dependentReplaceKeys.has(r.urn));
    if (errors.length > 0) {
      // The CLI would end the program's process here; its pending promises are abandoned on purpose.
      debuggable.leakedPromises(); // reads and resets the runtime's leak candidates
      // As Pulumi: what completed is saved; nothing is deleted after a failed program.
      if (!preview) {
        const done = new Set(run.next.map((n) => n.urn));
        this.resources = [...this.resources.filter((r) => !done.has(r.urn) && !dependentsDeleted.includes(r)), ...run.next];
      }
      throw new UpdateError(errors, run.steps);
    }
    for (const r of dropped) run.steps.push({ op: 'delete', urn: r.urn, name: r.name, type: r.type });
    if (!preview) {
      try {
        await deleteInOrder(host, [...run.replacedLater, ...dropped], () => undefined);
      } catch (e) {
        this.resources = [...run.next, ...dropped];
        throw new UpdateError([e as Error], run.steps);
      }
      this.resources = run.next;
      this.outputs = outputs;
    }
    return { steps: run.steps, outputs };
  }

  /** One RegisterResource: the URN, then the component's record or the custom resource's step. */
  private async register(run: Run, monitor: MockMonitor, req: RegisterRequest): Promise<unknown> {
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent() || undefined;
    const urn = this.urn(type, name, parent);
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => (propertyDependencies[key] = deps.getUrnsList()));
    const resource = {
      urn,
      type,
      name,
      custom: req.getCustom(),
      parent,
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      inputs: rpc.deserializeProperties(req.getObject()),
    };
    run.registered.add(urn);
    const prev = this.previous(urn, type, name, parent, req);
    if (prev !== undefined && prev.urn !== urn) run.aliased.add(prev.urn);
    let result: { id: string; state: Props };
    if (!resource.custom) {
      // A component: the engine records it; no provider is involved.
      if (prev === undefined) run.steps.push({ op: 'create', urn, name, type });
      else run.steps.push({ op: 'same', urn, name, type });
      run.next.push({ ...resource, id: '', inputs: {}, outputs: {} });
      result = { id: '', state: {} };
    } else {
      result = await this.step(run, resource, prev);
    }
    const state = await rpc.serializeProperties('', result.state);
    monitor.resources.set(urn, { urn, id: result.id || null, state });
    const response = new resourcePb.RegisterResourceResponse();
    response.setUrn(urn);
    response.setId(result.id);
    response.setObject(structPb.Struct.fromJavaScript(state));
    return response;
  }

  /** The resource's old state: by URN, else by one of its aliases (the engine's alias specs). */
  private previous(urn: string, type: string, name: string, parent: string | undefined, req: RegisterRequest): ResourceState | undefined {
    const byUrn = new Map(this.resources.map((r) => [r.urn, r]));
    if (byUrn.has(urn)) return byUrn.get(urn);
    const aliases = [
      ...req.getAliasurnsList(),
      ...req.getAliasesList().map((alias) => {
        const spec = alias.getSpec();
        if (spec === undefined) return alias.getUrn();
        const aliasParent = spec.getNoparent() ? undefined : spec.getParenturn() || parent;
        const stack = spec.getStack() || this.options.stack;
        const project = spec.getProject() || this.options.project;
        const chain = aliasParent === undefined ? '' : qualifiedType(aliasParent);
        const aliasType = spec.getType() || type;
        const types = chain === '' || chain === 'pulumi:pulumi:Stack' ? aliasType : `${chain}$${aliasType}`;
        return `urn:pulumi:${stack}::${project}::${types}::${spec.getName() || name}`;
      }),
    ];
    return aliases.map((a) => byUrn.get(a)).find((r) => r !== undefined);
  }

  private async step(
    run: Run,
    resource: Omit<ResourceState, 'id' | 'outputs'>,
    prev: ResourceState | undefined,
  ): Promise<{ id: string; state: Props }> {
    const { host, preview, steps, next } = run;
    const { urn, type, name } = resource;
    const news = toWire(resource.inputs) as Props;
    const checked = await host.check(urn, prev?.inputs ?? {}, news);
    if (checked.failures.length > 0) throw new CheckFailure(type, name, checked.failures);
    const inputs = checked.inputs;
    const created = async (op: 'create' | 'replace', extra: Partial<Step> = {}) => {
      steps.push({ op, urn, name, type, ...extra });
      // In preview the engine returns the checked inputs as the outputs: the rest is unknown.
      if (preview) return { id: '', state: inputs };
      const made = await host.create(urn, inputs);
      next.push({ ...resource, id: made.id, inputs, outputs: made.outs });
      return { id: made.id, state: made.outs };
    };
    if (prev === undefined) return created('create');
    const dependentKeys = run.dependentReplaceKeys.get(prev.urn);
    if (dependentKeys !== undefined) return created('replace', { replaces: dependentKeys, deleteBeforeReplace: true });
    const diff = await host.diff(urn, prev.id, prev.outputs, inputs);
    if (diff.changes === 'none') {
      steps.push({ op: 'same', urn, name, type });
      next.push({ ...resource, id: prev.id, inputs, outputs: prev.outputs });
      return { id: prev.id, state: prev.outputs };
    }
    if (diff.replaces.length > 0) {
      const replace = { replaces: diff.replaces, deleteBeforeReplace: diff.deleteBeforeReplace };
      if (diff.deleteBeforeReplace) {
        await this.deleteDependentsFirst(run, prev);
        if (!preview) await host.delete(prev.urn, prev.id, prev.outputs);
      } else {
        run.replacedLater.push(prev);
      }
      return created('replace', replace);
    }
    steps.push({ op: 'update', urn, name, type });
    if (preview) return { id: prev.id, state: inputs };
    const outs = await host.update(urn, prev.id, prev.outputs, inputs);
    next.push({ ...resource, id: prev.id, inputs, outputs: outs });
    return { id: prev.id, state: outs };
  }

  /**
   * Before a delete-before-replace: every resource depending on `root` (transitively, from the
   * old state, not yet registered in this run) whose Diff, with the inputs that come from a
   * replaced resource unknown, says replace, is deleted first, dependents before dependencies.
   */
  private async deleteDependentsFirst(run: Run, root: ResourceState): Promise<void> {
    const replaceSet = new Set([root.urn]);
    const toReplace: ResourceState[] = [];
    for (const d of dependingOn(this.resources, root, run.registered)) {
      if (!d.custom) continue;
      const fromReplaced = Object.keys(d.inputs).filter((k) => (d.propertyDependencies[k] ?? []).some((u) => replaceSet.has(u)));
      if (fromReplaced.length === 0) continue;
      const inputsForDiff = { ...d.inputs, ...Object.fromEntries(fromReplaced.map((k) => [k, UNKNOWN])) };
      const diff = await run.host.diff(d.urn, d.id, d.outputs, inputsForDiff);
      if (diff.replaces.length === 0) continue;
      toReplace.push(d);
      replaceSet.add(d.urn);
      run.dependentReplaceKeys.set(d.urn, diff.replaces);
    }
    for (const d of toReplace.reverse()) if (!run.preview) await run.host.delete(d.urn, d.id, d.outputs);
  }

  private load(program: string | (() => Record<string, unknown> | void)): Record<string, unknown> | void {
    if (typeof program === 'function') return program();
    for (const key of Object.keys(require.cache)) {
      if (key.startsWith(this.workspace.dir) && !key.includes('node_modules')) delete require.cache[key];
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(program);
  }
}

/** The qualified type of a URN: its parent types and its own, joined by "$". */
function qualifiedType(urn: string): string {
  return urn.split('::')[2];
}

/** Resources that depend on `root`, directly or through others (dependencies or parents), in dependency order. */
function dependingOn(resources: ResourceState[], root: ResourceState, skip: Set<string>): ResourceState[] {
  const found = new Set([root.urn]);
  const ordered: ResourceState[] = [];
  for (const r of resources) {
    if (skip.has(r.urn) || found.has(r.urn)) continue;
    if ([...r.dependencies, ...(r.parent === undefined ? [] : [r.parent])].some((u) => found.has(u))) {
      found.add(r.urn);
      ordered.push(r);
    }
  }
  return ordered;
}

/**
 * Deletes `resources` as the engine does: each once nothing left depends on it, those ready at
 * the same time in parallel. Components have nothing to delete.
 */
async function deleteInOrder(host: ProviderHost, resources: ResourceState[], deleted: (r: ResourceState) => void): Promise<void> {
  let left = [...resources];
  while (left.length > 0) {
    const needed = new Set(left.flatMap((r) => [...r.dependencies, ...(r.parent === undefined ? [] : [r.parent])]));
    const ready = left.filter((r) => !needed.has(r.urn));
    if (ready.length === 0) throw new Error('dependency cycle among resources to delete');
    await Promise.all(
      ready.map(async (r) => {
        if (r.custom) await host.delete(r.urn, r.id, r.outputs);
        deleted(r);
      }),
    );
    left = left.filter((r) => !ready.includes(r));
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

async function resolveOutputs(exported: Record<string, unknown>): Promise<Props> {
  const outputs: Props = {};
  for (const [name, value] of Object.entries(exported)) {
    const output = pulumi.output(value) as unknown as { isKnown: Promise<boolean>; promise(): Promise<unknown> };
    outputs[name] = (await output.isKnown) ? await output.promise() : UNKNOWN;
  }
  return outputs;
}
