import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The Pulumi package of the provider plugin: resource tokens are `ipam:index:<Kind>`, config `ipam:*`. */
export const PACKAGE = 'ipam';

/** The folder of pulumi-ipam's package.json, above this file whether it runs compiled (dist/) or from source. */
function packageRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'pulumi-ipam') return dir;
  }
  // Cannot happen in an installed or checked-out package (the file ships inside it): a plain
  // Error, not an IpamError, because no input of a user leads here.
  throw new Error(`pulumi-ipam's package.json is not above ${__dirname}`);
}

/** A file shipped with the package (schema.json). */
export function packageFile(name: string): string {
  return join(packageRoot(), name);
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}
