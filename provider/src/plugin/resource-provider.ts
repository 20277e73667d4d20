import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { errors } from '../errors';
import { CheckResult } from '../dynamic/check';
import { DiffResult } from '../dynamic/diff';
import { ResourceHandler } from '../dynamic/resource-handler';
import { handlerOf } from '../dynamic/handlers';
import { parseUrn } from '../dynamic/identity';
import { CONFIG_KEYS, configure, configFailures } from '../dynamic/settings';
import { RESOURCE_KINDS, ResourceKind, SPECS } from '../dynamic/specs';
import { Props, UNKNOWN, defined } from '../dynamic/values';
import { PACKAGE, packageFile, packageVersion } from '../package';

/**
 * pulumirpc.ResourceProvider for the package `ipam`: the resources of schema.json, served to
 * any Pulumi language (Python, Go, .NET, Java, YAML, TypeScript) by the same handlers that serve
 * the dynamic resources. Only the wire is here: Struct <-> object, the token <-> kind, the
 * config keys, the diff's detail. The rules (defaults from the URN, creators, backend identity,
 * what replaces) are the handlers'.
 *
 * @pulumi/pulumi/provider's main() would serve this too, but in 3.248 its Configure never hands
 * the config to the provider and CheckConfig/DiffConfig are unimplemented; so the service is
 * built here from the generated stubs it ships.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const providerPb = require('@pulumi/pulumi/proto/provider_pb');
const pluginPb = require('@pulumi/pulumi/proto/plugin_pb');
const emptyPb = require('google-protobuf/google/protobuf/empty_pb');
const structPb = require('google-protobuf/google/protobuf/struct_pb');
/* eslint-enable @typescript-eslint/no-require-imports */

// The gRPC request classes are generated JavaScript without types: each handler reads its fields.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Call = { request: Record<string, (...args: never[]) => any> };
type Callback = (error: grpc.ServiceError | null, response?: unknown) => void;

/** How Pulumi wraps a secret on the wire (sdk/go/common/resource/sig): {[SIG_KEY]: SECRET_SIG, value}. */
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** A value as the provider works with it: secrets unwrapped (the engine keeps track of them). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const object = value as Props;
    if (object[SIG_KEY] === SECRET_SIG) return plain(object.value);
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

const fromStruct = (struct: { toJavaScript(): Props } | undefined): Props => (struct === undefined ? {} : (plain(struct.toJavaScript()) as Props));
const toStruct = (props: Props) => structPb.Struct.fromJavaScript(defined(props));

/** `ipam:index:ClientIp` -> ClientIp. */
function kindOf(type: string): ResourceKind {
  const kind = type.replace(`${PACKAGE}:index:`, '');
  if (!(RESOURCE_KINDS as readonly string[]).includes(kind) || `${PACKAGE}:index:${kind}` !== type) {
    // A program built with an SDK newer than this plugin can ask for a type it does not know.
    throw errors.INVALID_INPUT({ case: 'resource-type', type, served: RESOURCE_KINDS.map((k) => `${PACKAGE}:index:${k}`) });
  }
  return kind as ResourceKind;
}

/** The kind a resource's URN names: its own type token, after the parent types. */
const kindOfUrn = (urn: string): ResourceKind => kindOf(parseUrn(urn).type);
const handler = (urn: string): ResourceHandler => handlerOf(kindOfUrn(urn));

/** The inputs a program would declare for a resource whose outputs are `outs` (import). */
function inputsOf(kind: ResourceKind, outs: Props): Props {
  const inputs = Object.fromEntries(Object.keys(SPECS[kind].inputs).filter((k) => outs[k] !== undefined).map((k) => [k, outs[k]]));
  return defined({ ...inputs, creator: outs.creator });
}

function diffResponse(result: DiffResult): unknown {
  const res = new providerPb.DiffResponse();
  res.setChanges(result.changes ? providerPb.DiffResponse.DiffChanges.DIFF_SOME : providerPb.DiffResponse.DiffChanges.DIFF_NONE);
  res.setReplacesList(result.replaces);
  res.setDiffsList(result.diffs);
  res.setDeletebeforereplace(result.deleteBeforeReplace);
  const detail = res.getDetaileddiffMap();
  for (const key of result.diffs) {
    const diff = new providerPb.PropertyDiff();
    diff.setKind(result.replaces.includes(key) ? providerPb.PropertyDiff.Kind.UPDATE_REPLACE : providerPb.PropertyDiff.Kind.UPDATE);
    diff.setInputdiff(true);
    detail.set(key, diff);
  }
  res.setHasdetaileddiff(true);
  return res;
}

function checkResponse(result: CheckResult, echo: Props = result.inputs): unknown {
  const res = new providerPb.CheckResponse();
  res.setInputs(toStruct(echo));
  res.setFailuresList(
    result.failures.map((f) => {
      const failure = new providerPb.CheckFailure();
      failure.setProperty(f.property);
      failure.setReason(f.reason);
      return failure;
    }),
  );
  return res;
}

/** Runs a handler call; an error reaches the engine as the message `pulumi up` prints. */
function serve<T>(callback: Callback, work: () => Promise<T>, respond: (value: T) => unknown): void {
  work().then(
    (value) => callback(null, respond(value)),
    (e: Error) => callback({ code: grpc.status.UNKNOWN, details: e.message, message: e.message, name: 'Error', metadata: new grpc.Metadata() }),
  );
}

export class IpamResourceProvider {
  getPluginInfo(_call: Call, callback: Callback): void {
    const info = new pluginPb.PluginInfo();
    info.setVersion(packageVersion());
    callback(null, info);
  }

  getSchema(call: Call, callback: Callback): void {
    const res = new providerPb.GetSchemaResponse();
    if (call.request.getVersion() !== 0) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: `unsupported schema version ${call.request.getVersion()}`, message: '', name: 'Error', metadata: new grpc.Metadata() });
      return;
    }
    res.setSchema(readFileSync(packageFile('schema.json'), 'utf8'));
    callback(null, res);
  }

  /** The provider's config (`ipam:*` of the stack, or an explicit provider's inputs): known keys, the right types. */
  checkConfig(call: Call, callback: Callback): void {
    serve(
      callback,
      async () => {
        const news = call.request.getNews().toJavaScript() as Props;
        return { inputs: news, failures: configFailures(plain(news) as Props) };
      },
      // Echo the inputs as given: the engine keeps the token a secret.
      (result) => checkResponse(result, result.inputs),
    );
  }

  /** A config change updates the provider in place: resources never need replacing for it (their backendId guards them). */
  diffConfig(call: Call, callback: Callback): void {
    serve(
      callback,
      async () => {
        const [olds, news] = [fromStruct(call.request.getOlds()), fromStruct(call.request.getNews())];
        const diffs = CONFIG_KEYS.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        return { changes: diffs.length > 0, replaces: [], diffs, deleteBeforeReplace: false };
      },
      diffResponse,
    );
  }

  configure(call: Call, callback: Callback): void {
    const args = fromStruct(call.request.getArgs());
    // Older engines send only `variables`, keyed "ipam:config:server".
    const variables = new Map<string, string>();
    call.request.getVariablesMap().forEach((value: string, key: string) => variables.set(key.replace(`${PACKAGE}:config:`, ''), value));
    configure({
      get: (key) => {
        const name = key.replace(`${PACKAGE}:`, '');
        const value = args[name] ?? variables.get(name);
        return value === undefined || value === null || value === UNKNOWN ? undefined : String(value);
      },
    });
    const res = new providerPb.ConfigureResponse();
    // Secrets arrive as plain values, and outputs hold none: the engine tracks secretness itself.
    res.setAcceptsecrets(false);
    res.setSupportspreview(false);
    res.setAcceptresources(false);
    res.setAcceptoutputs(false);
    callback(null, res);
  }

  check(call: Call, callback: Callback): void {
    const urn = call.request.getUrn();
    serve(callback, async () => handler(urn).check(urn, fromStruct(call.request.getOlds()), fromStruct(call.request.getNews())), (r) => checkResponse(r));
  }

  diff(call: Call, callback: Callback): void {
    const urn = call.request.getUrn();
    serve(callback, async () => handler(urn).diff(call.request.getId(), fromStruct(call.request.getOlds()), fromStruct(call.request.getNews())), diffResponse);
  }

  create(call: Call, callback: Callback): void {
    const urn = call.request.getUrn();
    serve(
      callback,
      async () => handler(urn).create(fromStruct(call.request.getProperties())),
      ({ id, outs }) => {
        const res = new providerPb.CreateResponse();
        res.setId(id);
        res.setProperties(toStruct(outs));
        return res;
      },
    );
  }

  /** Refresh, and import: with only an ID, the handler's fromId() says what it names. */
  read(call: Call, callback: Callback): void {
    const urn = call.request.getUrn();
    const id = call.request.getId();
    const h = handler(urn);
    const given = fromStruct(call.request.getProperties());
    const importing = Object.keys(given).length === 0;
    serve(
      callback,
      async () => h.read(id, importing ? h.fromId(id) : given),
      (read) => {
        const res = new providerPb.ReadResponse();
        res.setId(read.id);
        res.setProperties(toStruct(read.props));
        if (importing && read.id !== '') res.setInputs(toStruct(inputsOf(kindOfUrn(urn), read.props)));
        return res;
      },
    );
  }

  update(call: Call, callback: Callback): void {
    const urn = call.request.getUrn();
    serve(
      callback,
      async () => handler(urn).update(call.request.getId(), fromStruct(call.request.getOlds()), fromStruct(call.request.getNews())),
      ({ outs }) => {
        const res = new providerPb.UpdateResponse();
        res.setProperties(toStruct(outs));
        return res;
      },
    );
  }

  delete(call: Call, callback: Callback): void {
    const urn = call.request.getUrn();
    serve(callback, async () => handler(urn).delete(call.request.getId(), fromStruct(call.request.getProperties())), () => new emptyPb.Empty());
  }

  cancel(_call: Call, callback: Callback): void {
    callback(null, new emptyPb.Empty());
  }
}
