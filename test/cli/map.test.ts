import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../provider/src/cli/main';

/** `ipam pool map` as a person reads it (a pipe: letters; a terminal: colours) and as a file. */
function cli(dir: string, extra: { isTTY?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  return async (line: string): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(line.split(' ').filter(Boolean), {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: extra.env ?? {},
      cwd: dir,
      isTTY: extra.isTTY,
    });
    return { code, stdout, stderr };
  };
}

describe('ipam pool map', () => {
  let dir: string;
  let ipam: ReturnType<typeof cli>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ipam-map-'));
    ipam = cli(dir);
    for (const line of [
      'pool create corp 10.0.0.0/22 --gateway --reserve 10.0.3.192/26',
      'alloc corp --owner web --prefix 24',
      'alloc corp --owner db --prefix 26',
      'release corp --owner db',
      'pool create corp-dev --parent corp --prefix 25',
      'pool create v6 2001:db8::/32',
      'alloc v6 --owner site-a --prefix 48',
    ]) {
      const run = await ipam(line);
      expect(run.stderr, line).to.equal('');
    }
  });

  it('prints letters and a legend when stdout is not a terminal', async () => {
    const run = await ipam('pool map corp --cell-prefix 26');
    expect(run).to.deep.equal({
      code: 0,
      stderr: '',
      stdout: [
        'Pool corp (10.0.0.0/22) in space default',
        'grid of 16 cells, each a /26, 4 to a row',
        '10.0.0.0  gHCC',
        '10.0.1.0  AAAA',
        '10.0.2.0  ....',
        '10.0.3.0  ...R',
        '',
        'A allocated   H released, held for its owner   X released, grace period over   R reserved   G gateway   C child pool   . free',
        'lowercase: the state holding most of a cell that is partly free',
        'addresses: allocated 256, released, held for its owner 64, reserved 64, gateway 1, child pool 128, free 511 (of 1,024); 5 occupants',
        '',
      ].join('\n'),
    });
  });

  it('draws coloured Unicode blocks on a terminal, and letters again with NO_COLOR', async () => {
    const coloured = await cli(dir, { isTTY: true })('pool map corp --cell-prefix 26');
    expect(coloured.stdout.split('\n').slice(2, 4)).to.deep.equal([
      `10.0.0.0  \u001b[31m▒▒\u001b[0m\u001b[33m██\u001b[0m${'\u001b[32m██\u001b[0m'.repeat(2)}`,
      `10.0.1.0  ${'\u001b[34m██\u001b[0m'.repeat(4)}`,
    ]);
    const plain = await cli(dir, { isTTY: true, env: { NO_COLOR: '1' } })('pool map corp --cell-prefix 26');
    expect(plain.stdout.split('\n')[2]).to.equal('10.0.0.0  gHCC');
  });

  it('draws an IPv6 pool as a treemap and lists what holds space', async () => {
    const run = await ipam('pool map v6');
    const lines = run.stdout.split('\n');
    expect(lines[1]).to.equal("treemap of 2 cells in address order (left to right, top to bottom); area grows with the log of a cell's size");
    expect(lines[2]).to.match(/^A+\.+$/);
    expect(lines.slice(23, 25)).to.deep.equal(['taken cells, in address order:', '  A 2001:db8::/48 allocated to site-a']);
  });

  it('writes an accessible SVG with --svg, from the same layout', async () => {
    const run = await ipam('pool map corp --svg corp.svg');
    expect(run.stdout).to.equal(`wrote ${join(dir, 'corp.svg')}: the map of pool corp in 256 cells\n`);
    const svg = readFileSync(join(dir, 'corp.svg'), 'utf8');
    expect(svg).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" [^>]*role="img" aria-labelledby="map-title map-desc"/);
    expect(svg).to.contain('<title id="map-title">Pool corp (10.0.0.0/22) in space default</title>');
    // 256 cells of /30: the gateway's cell, a cell of web's /24, a cell of the held /26.
    expect(svg).to.contain('<g data-state="mixed"><title>10.0.0.0/30: 10.0.0.1 gateway; 3 of 4 addresses free</title>');
    expect(svg).to.contain('<g data-state="allocated"><title>10.0.1.4/30: 10.0.1.0/24 allocated to web</title>');
    expect(svg).to.match(/<g data-state="held"><title>10\.0\.0\.64\/30: 10\.0\.0\.64\/26 released by db, held for it until \S+Z<\/title>/);
    expect((svg.match(/<g data-state=/g) ?? []).length).to.equal(256);
    for (const name of ['allocated', 'released, held for its owner', 'reserved', 'gateway', 'child pool', 'free']) expect(svg).to.contain(`>${name}</text>`);
  });

  it('gives JSON with --json, and refuses what it cannot draw', async () => {
    const json = JSON.parse((await ipam('pool map corp --cells 16 --json')).stdout);
    expect([json.layout, json.cells.length, json.cellPrefix]).to.deep.equal(['grid', 16, 26]);
    expect(await ipam('pool map corp --cell-prefix 20')).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: 'error[INVALID_INPUT]: cellPrefix: /20 is not a block size of the pool (/22); give a prefix length from /22 to /32\n',
    });
    expect((await ipam('pool map corp --layout pie')).stderr).to.equal('error[USAGE]: --layout: "pie" is not a layout; use grid or treemap\n');
    expect((await ipam('pool map nope')).code).to.equal(1);
    expect((await ipam('pool map corp --svg no-such-dir/x.svg')).stderr).to.equal(
      `error[INVALID_INPUT]: svg: cannot write ${join(dir, 'no-such-dir/x.svg')} (ENOENT); give a file in a folder that exists\n`,
    );
  });
});
