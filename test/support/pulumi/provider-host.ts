import * as grpc from '@grpc/grpc-js';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Pulumi's own dynamic provider host (@pulumi/pulumi/cmd/dynamic-provider), started the way the
 * Pulumi engine starts it (a process in the program's directory that prints its gRPC port),
 * and a typed client for the ResourceProvider calls the engine makes. Nothing here knows about
 * pulumi-ipam: the host deserializes the provider from each resource's `__provider` property.
 */
// The generated stubs ship with @pulumi/pulumi, but not their types for these paths.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const providerGrpc = require('@pulumi/pulumi/proto/provider_grpc_pb');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const providerPb = require('@pulumi/pulumi/proto/provider_pb');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const structPb = require('google-protobuf/google/protobuf/struct_pb');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const emptyPb = require('google-protobuf/google/protobuf/empty_pb');

export type Props = Record<string, unknown>;

export interface CheckResponse {
  inputs: Props;
  failures: { property: string; reason: string }[];
}

export interface DiffResponse {
  changes: 'none' | 'some' | 'unknown';
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The detailed diff, when the provider gives one: property -> kind (update, update-replace, ...). */
  detailed?: Record<string, string>;
}

const CHANGES = ['unknown', 'none', 'some'] as const;
const KINDS = ['add', 'add-replace', 'delete', 'delete-replace', 'update', 'update-replace'] as const;

/** A resource request message: the URN, the ID when there is one, and the property bags given. */
function request(message: string, fields: { urn: string; id?: string; olds?: Props; news?: Props; properties?: Props }): unknown {
  const req = new providerPb[message]();
  req.setUrn(fields.urn);
  if (fields.id !== undefined) req.setId(fields.id);
  if (fields.olds !== undefined) req.setOlds(structPb.Struct.fromJavaScript(fields.olds));
  if (fields.news !== undefined) req.setNews(structPb.Struct.fromJavaScript(fields.news));
  if (fields.properties !== undefined) req.setProperties(structPb.Struct.fromJavaScript(fields.properties));
  return req;
}

export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: grpc.Client & Record<string, (req: unknown, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void>,
    readonly stderr: string[],
  ) {}

  /**
   * Starts the host in the program directory (its working directory, from which the serialized
   * provider's require() calls resolve), from the @pulumi/pulumi installed for the program.
   */
  static start(programDir: string, modulesRoot: string, env: NodeJS.ProcessEnv = {}): Promise<ProviderHost> {
    return ProviderHost.spawn(join(modulesRoot, 'node_modules', '@pulumi', 'pulumi', 'cmd', 'dynamic-provider', 'index.js'), programDir, env);
  }

  /**
   * Starts a provider plugin executable (pulumi-resource-ipam) the way the engine starts a plugin:
   * in the program's directory, with the engine's address as its argument, reading its port.
   */
  static startPlugin(executable: string, programDir: string, env: NodeJS.ProcessEnv = {}): Promise<ProviderHost> {
    return ProviderHost.spawn(executable, programDir, env);
  }

  private static async spawn(script: string, programDir: string, env: NodeJS.ProcessEnv): Promise<ProviderHost> {
    // The engine passes its own address; the host only needs one to start, and never dials it here.
    const child = spawn(process.execPath, [script, '127.0.0.1:1'], { cwd: programDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`provider host did not start: ${stderr.join('')}`)), 30_000);
      createInterface({ input: child.stdout! }).once('line', (line) => {
        clearTimeout(timer);
        resolve(line.trim());
      });
      child.once('exit', (code) => reject(new Error(`provider host exited (${code}): ${stderr.join('')}`)));
    });
    const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client, stderr);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Configure comes first, with the stack config (secrets already decrypted), as the engine does. */
  async configure(config: Record<string, string>): Promise<{ acceptSecrets: boolean; supportsPreview: boolean }> {
    const req = new providerPb.ConfigureRequest();
    req.setArgs(structPb.Struct.fromJavaScript(config));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    const res = await this.call('configure', req);
    return { acceptSecrets: res.getAcceptsecrets(), supportsPreview: res.getSupportspreview() };
  }

  async getPluginInfo(): Promise<string> {
    return (await this.call('getPluginInfo', new emptyPb.Empty())).getVersion();
  }

  async getSchema(): Promise<string> {
    const req = new providerPb.GetSchemaRequest();
    req.setVersion(0);
    return (await this.call('getSchema', req)).getSchema();
  }

  /** A provider's config as the engine checks it: the provider resource's URN, old and new inputs (secrets wrapped). */
  async checkConfig(urn: string, olds: Props, news: Props): Promise<CheckResponse> {
    const res = await this.call('checkConfig', request('CheckRequest', { urn, olds, news }));
    return {
      inputs: res.getInputs().toJavaScript(),
      failures: res.getFailuresList().map((f: { getProperty(): string; getReason(): string }) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diffConfig(urn: string, olds: Props, news: Props): Promise<DiffResponse & { diffs: string[] }> {
    const res = await this.call('diffConfig', request('DiffRequest', { urn, olds, news }));
    return { changes: CHANGES[res.getChanges()], replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace(), diffs: res.getDiffsList() };
  }

  async check(urn: string, olds: Props, news: Props): Promise<CheckResponse> {
    const res = await this.call('check', request('CheckRequest', { urn, olds, news }));
    return {
      inputs: res.getInputs().toJavaScript(),
      failures: res.getFailuresList().map((f: { getProperty(): string; getReason(): string }) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(urn: string, id: string, olds: Props, news: Props): Promise<DiffResponse> {
    const res = await this.call('diff', request('DiffRequest', { urn, id, olds, news }));
    const detailed: Record<string, string> = {};
    res.getDetaileddiffMap().forEach((d: { getKind(): number }, key: string) => (detailed[key] = KINDS[d.getKind()]));
    return { changes: CHANGES[res.getChanges()], replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace(), detailed };
  }

  async create(urn: string, properties: Props): Promise<{ id: string; outs: Props }> {
    const res = await this.call('create', request('CreateRequest', { urn, properties }));
    return { id: res.getId(), outs: res.getProperties().toJavaScript() };
  }

  /** Refresh; with no properties, import (the provider may answer the inputs too). */
  async read(urn: string, id: string, properties: Props): Promise<{ id: string; outs: Props; inputs?: Props }> {
    const res = await this.call('read', request('ReadRequest', { urn, id, properties }));
    return { id: res.getId(), outs: res.getProperties()?.toJavaScript() ?? {}, inputs: res.getInputs()?.toJavaScript() };
  }

  async update(urn: string, id: string, olds: Props, news: Props): Promise<Props> {
    const res = await this.call('update', request('UpdateRequest', { urn, id, olds, news }));
    return res.getProperties().toJavaScript();
  }

  async delete(urn: string, id: string, properties: Props): Promise<void> {
    await this.call('delete', request('DeleteRequest', { urn, id, properties }));
  }

  /** Ends the host as the engine does at the end of an operation. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill(signal);
    });
  }

  // The gRPC stubs are loaded at run time and untyped: each caller reads the fields of its reply.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private call(method: string, req: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
      this.client[method](req, (err, res) => (err ? reject(new Error(err.details || err.message)) : resolve(res)));
    });
  }
}
