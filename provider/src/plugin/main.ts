#!/usr/bin/env node
/**
 * pulumi-resource-ipam: the Pulumi provider plugin of the package `ipam`. The Pulumi engine starts
 * it with its own address as the argument, reads the port it prints on the first line of stdout,
 * and speaks pulumirpc.ResourceProvider to it (resource-provider.ts). Install it as a plugin with
 * `pulumi plugin install resource ipam <version> --file <folder holding this executable>` or put
 * the package's `bin` folder on PATH (README "Other languages").
 */
import { textLogger } from '../log';
import * as grpc from '@grpc/grpc-js';
import { IpamResourceProvider } from './resource-provider';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const providerGrpc = require('@pulumi/pulumi/proto/provider_grpc_pb');

async function main(): Promise<void> {
  // Pulumi's own limit: schemas and states can exceed gRPC's 4 MiB default.
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 400 * 1024 * 1024 });
  server.addService(providerGrpc.ResourceProviderService, new IpamResourceProvider() as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  process.stdout.write(`${port}\n`);
  const stop = () => server.tryShutdown(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: Error) => {
  textLogger('pulumi-resource-ipam')('error', e.stack ?? e.message);
  process.exit(1);
});
