import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { READER, ServiceProcess, startServeProcess } from '../support/http-service';
import { REPO } from '../support/processes';
import { writeWebFixture } from './fixture';

/**
 * The web view in a real browser: Debian's chromium driven by playwright-core, on a real
 * `ipam serve` (127.0.0.1, a free port) over a real SQLite file with known pools. Without
 * chromium the tests skip on a developer's machine and fail in CI, where .ci/run installs it.
 * Screenshots go to test-artifacts/ (git-ignored).
 */
const CHROMIUM = '/usr/bin/chromium';

// The page's globals, for the callbacks that run in the browser (the tests compile without the DOM library).
declare const getComputedStyle: (element: unknown) => { fill: string };
declare const window: { scrollTo(x: number, y: number): void };
const ARTIFACTS = join(REPO, 'test-artifacts');

/** The palette's fills as the browser computes them. */
const RGB = { allocated: 'rgb(0, 114, 178)', held: 'rgb(230, 159, 0)', reserved: 'rgb(89, 89, 89)', child: 'rgb(0, 158, 115)', gateway: 'rgb(213, 94, 0)', free: 'rgb(221, 229, 236)' };

describe('web view in a browser', function () {
  this.timeout(120_000);
  let service: ServiceProcess;
  let browser: Browser;
  let page: Page;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error('chromium is needed in CI (.ci/run installs it)');
      this.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'ipam-web-'));
    const db = join(dir, 'state.db');
    await writeWebFixture(db);
    service = await startServeProcess(db, { env: { IPAM_TOKENS: `${READER.name}:${READER.scope}:${READER.token}` } });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
  });

  const fill = (selector: string) => page.locator(selector).first().evaluate((el) => getComputedStyle(el).fill);

  it('asks for a token, shows an error for a wrong one, and keeps a right one for the tab', async () => {
    await page.goto(`${service.url}/`);
    await page.locator('#token').fill('not-the-token-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).to.equal('The token was refused: authorization: the bearer token is not one this service knows');
    await page.locator('#token').fill(READER.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.tree').first().waitFor();
    // Kept for the tab: a reload asks no more. Never in the URL, never in the service's log.
    await page.reload();
    await page.locator('.tree').first().waitFor();
    expect(page.url()).to.equal(`${service.url}/`);
    expect(service.stderr()).not.to.contain(READER.token);
    expect(service.stderr()).to.contain('"actor":"dashboard"');
  });

  it('shows the pools of each space as a tree with their figures, and a pool\'s claims when opened', async () => {
    await page.goto(`${service.url}/#/`);
    const corp = page.locator('li.pool[data-pool="corp"]');
    expect(await corp.locator('> ul > li.pool').evaluateAll((items) => items.map((li) => li.getAttribute('data-pool')))).to.deep.equal(['corp-dev']);
    expect(await page.locator('ul.tree').evaluateAll((trees) => trees.map((t) => t.getAttribute('data-space')))).to.deep.equal(['default', 'kube']);
    const figures = await corp.locator('> .pool-row .figure').allTextContents();
    expect(figures).to.deep.equal(['7.1% used', '316 allocated', '60,803 free', 'largest free 10.0.64.0/18', 'fragmentation 73.1%']);
    expect(await corp.locator('> .pool-row meter').getAttribute('value')).to.match(/^0\.071/);
    await corp.locator('> details > summary').click();
    await corp.locator('> details li.claim').first().waitFor();
    const claims = await corp.locator('> details li').allTextContents();
    expect(claims[0]).to.equal('10.0.0.2/32 host-00');
    expect(claims[claims.length - 1]).to.equal("all 62 on the pool's page");
    await page.screenshot({ path: join(ARTIFACTS, 'web-tree.png') });
  });

  it("draws a pool's map in the state colours, and a cell opens its allocations", async () => {
    await page.goto(`${service.url}/#/pool/default/corp`);
    await page.locator('svg.map g.cell').first().waitFor();
    expect(await page.locator('svg.map g.cell').count()).to.equal(256);
    expect(await fill('g.cell[data-cidr="10.0.1.0/24"] rect')).to.equal(RGB.allocated);
    expect(await fill('g.cell[data-cidr="10.0.255.0/24"] rect')).to.equal(RGB.reserved);
    expect(await fill('g.cell[data-cidr="10.0.16.0/24"] rect')).to.equal(RGB.child);
    // db's released /26 shares its /24 with free space: a held bar over the free background.
    const held = page.locator('g.cell[data-cidr="10.0.2.0/24"]');
    expect(await held.getAttribute('data-state')).to.equal('mixed');
    expect(await held.locator('rect').evaluateAll((rects) => rects.map((r) => getComputedStyle(r).fill))).to.deep.equal([RGB.free, RGB.held]);
    expect(await held.locator('title').textContent()).to.match(/^10\.0\.2\.0\/24: 10\.0\.2\.0\/26 released by db, held for it until \S+Z; 192 of 256 addresses free$/);
    // The gateway's /24 also holds the 60 host addresses: allocated is its main state.
    expect(await page.locator('g.cell[data-cidr="10.0.0.0/24"] title').textContent()).to.equal(
      '10.0.0.0/24: 60 allocations (60 addresses), 1 gateway (1 address), 195 addresses free',
    );
    // Keyboard: focus the map, move right to web's cell, Enter filters the table to it.
    await page.locator('svg.map').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#cell-details').textContent()).to.equal('10.0.1.0/24 allocated to web');
    await page.keyboard.press('Enter');
    await page.locator('.allocations caption', { hasText: 'of 1' }).waitFor();
    expect(await page.locator('.allocations tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-owner')))).to.deep.equal(['web']);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'web-pool.png') });
  });

  it('sorts and pages the allocations table in the service', async () => {
    // From another page: the same hash again would not load the page anew.
    await page.goto(`${service.url}/#/slices`);
    await page.goto(`${service.url}/#/pool/default/corp`);
    const caption = page.locator('.allocations caption');
    await caption.waitFor();
    expect(await caption.textContent()).to.equal('Allocations 1–25 of 62');
    await page.getByRole('button', { name: 'Owner' }).click();
    await page.locator('th[aria-sort="ascending"]', { hasText: 'Owner' }).waitFor();
    expect(await page.locator('.allocations tbody tr').first().getAttribute('data-owner')).to.equal('db');
    await page.getByRole('button', { name: 'Owner ▲' }).click();
    await page.locator('th[aria-sort="descending"]').waitFor();
    expect(await page.locator('.allocations tbody tr').first().getAttribute('data-owner')).to.equal('web');
    await page.getByRole('button', { name: 'Next' }).click();
    await caption.filter({ hasText: '26–50' }).waitFor();
  });

  it('searches by address, CIDR and owner', async () => {
    await page.goto(`${service.url}/#/`);
    await page.locator('#q').fill('10.0.1.77');
    await page.locator('#q').press('Enter');
    const rows = page.locator('table.results tbody tr');
    await rows.first().waitFor();
    expect(await rows.first().locator('td').allTextContents()).to.deep.equal(['default', 'corp', '10.0.0.0/16', 'web', '10.0.1.0/24', 'allocated']);
    await page.goto(`${service.url}/#/search?q=10.0.16.0%2F22`);
    await page.locator('h1', { hasText: 'blocks overlapping' }).waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.children[1].textContent, tr.children[3].textContent]))).to.deep.equal([
      ['corp', ''],
      ['corp-dev', ''],
      ['corp-dev', 'api'],
    ]);
    await page.goto(`${service.url}/#/search?q=SITE`);
    await page.locator('h1', { hasText: 'owners and pools containing' }).waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.children[3].textContent))).to.deep.equal(['site-a', 'site-b']);
  });

  it('shows KubeSlice slices with their clusters, subnets and grace periods', async () => {
    await page.goto(`${service.url}/#/slices`);
    const slice = page.locator('article.slice[data-slice="blue"]');
    await slice.waitFor();
    expect(await slice.locator('p').textContent()).to.equal('Slice subnet 10.1.0.0/16, a /24 per cluster, 255 of 256 subnets available; a released subnet is held 24 h for its cluster.');
    const cells = await slice.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(cells.map((row) => row.slice(0, 3))).to.deep.equal([
      ['east', '10.1.0.0/24', 'Allocated'],
      ['west', '10.1.1.0/24', 'Released'],
    ]);
    // Held until = released at + 24 h.
    expect(Date.parse(cells[1][5]!.replace(' ', 'T')) - Date.parse(cells[1][4]!.replace(' ', 'T'))).to.equal(24 * 3600 * 1000);
  });

  it('draws an IPv6 pool as a treemap', async () => {
    await page.goto(`${service.url}/#/pool/default/v6`);
    await page.locator('svg.map g.cell').first().waitFor();
    const cells = await page.locator('svg.map g.cell').evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-state'), g.getAttribute('data-cidr')]));
    expect(cells).to.deep.equal([
      ['allocated', '2001:db8::/48'],
      ['free', null],
      ['allocated', '2001:db8:8000::/48'],
      ['free', null],
    ]);
    expect(await fill('g.cell[data-cidr="2001:db8:8000::/48"] rect')).to.equal(RGB.allocated);
  });
});
