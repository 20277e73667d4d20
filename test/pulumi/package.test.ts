import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { programWorkspace } from '../support/pulumi/workspace';

/**
 * The package as a user installs it (the tarball `npm pack` makes): its entry points, and its
 * optional peers. A Pulumi program on the embedded file or the HTTP service installs neither pg
 * nor @kubernetes/client-node; asking for those backends says which package to install.
 */
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cwd: string, script: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

describe('the installed package', function () {
  this.timeout(60_000);

  it('serves the dynamic resources from its stable entry point, and the deep path older stacks stored', async () => {
    const { dir } = programWorkspace();
    const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', 'pulumi-ipam', 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
    expect(manifest.peerDependencies).to.deep.equal({ '@kubernetes/client-node': '~1.4.0', '@pulumi/pulumi': '^3.139.0', pg: '^8.11.0' });
    // Resolved as the provider host resolves them: from the program's folder.
    const resolve = async (request: string) => (await run(dir, '-e', [`try { console.log(require.resolve(${JSON.stringify(request)})) } catch (e) { console.log(e.code) }`])).stdout.trim();
    const entry = join(dir, 'node_modules', 'pulumi-ipam', 'dist', 'provider', 'src', 'dynamic', 'handlers.js');
    expect(await resolve('pulumi-ipam/dynamic')).to.equal(entry);
    expect(await resolve('pulumi-ipam/dist/provider/src/dynamic/handlers')).to.equal(entry);
    expect(await resolve('pulumi-ipam')).to.equal(join(dir, 'node_modules', 'pulumi-ipam', 'dist', 'sdk', 'nodejs', 'index.js'));
    expect(await resolve('pulumi-ipam/dist/provider/src/engine/ipam')).to.equal('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('names the package to install when a backend\'s optional library is missing', async () => {
    const { dir } = programWorkspace(undefined, undefined, { without: ['pg', '@kubernetes'] });
    const cli = join(dir, 'node_modules', 'pulumi-ipam', 'dist', 'provider', 'src', 'cli', 'main.js');
    expect(await run(dir, cli, ['--kube', 'pool', 'list'])).to.deep.equal({
      code: 2,
      stdout: '',
      stderr: 'error[CONFIG_INVALID]: The Kubernetes backend needs the npm package @kubernetes/client-node, which is not installed: run `npm install @kubernetes/client-node@~1.4.0` beside pulumi-ipam\n',
    });
    const serve = await run(dir, cli, ['serve', '--db', 'postgres://ipam@127.0.0.1:1/ipam', '--no-auth']);
    expect(serve.stderr).to.contain('The PostgreSQL backend needs the npm package pg, which is not installed: run `npm install pg@^8.11.0` beside pulumi-ipam');
    expect(serve.code).to.equal(2);
    // The embedded default needs neither.
    const list = await run(dir, cli, ['pool', 'list', '--state', join(dir, 'state.db')]);
    expect([list.code, list.stderr]).to.deep.equal([0, '']);
  });
});
