import { expect } from 'chai';
import { userInfo } from 'node:os';
import { Session, csv, session } from './cli-run';

/** The creator the command records: `cli:` and the user running the tests. */
const ME = `cli:${userInfo().username}`;

/**
 * `ipam import` on the embedded backend: every refusal with its line, field and message, the dry
 * run, idempotence and --skip-invalid, as a person sees them. The state before and after is
 * compared through `ipam export`.
 */
describe('ipam import: refusals, dry run, idempotence', () => {
  let s: Session;
  const exported = async () => (await s.ipam('export')).stdout;

  beforeEach(async () => {
    s = session();
    expect((await s.ipam('pool create corp 10.0.0.0/16')).code).to.equal(0);
    expect((await s.ipam('alloc corp --owner taken --cidr 10.0.5.0/24')).code).to.equal(0);
    expect((await s.ipam('alloc corp --owner db --cidr 10.0.9.0/24')).code).to.equal(0);
  });

  const CONFLICTS = csv(
    'record,pool,cidr,owner,status,grace_period_seconds',
    'pool,lab,192.168.0.0/24,,,',
    'allocation,corp,10.0.1.0/24,web,,',
    'allocation,corp,10.0.1.128/25,api,,',
    'allocation,corp,10.1.0.0/24,far,,',
    'allocation,corp,10.0.2.0/24,web,,',
    'allocation,corp,10.0.3.0/33,bad,,',
    'allocation,nope,10.0.4.0/24,x,,',
    'allocation,corp,10.0.5.0/24,other,,',
    'allocation,corp,10.0.6.0/24,db,,',
    'pool,wide,10.0.0.0/8,,,',
    'allocation,corp,10.0.7.0/24,z,frozen,',
    'pool,slow,172.16.0.0/24,,,one day',
    'shelf,corp,10.0.8.0/24,y,,',
    'allocation,corp,10.0.8.0/24,y',
  );
  const REFUSALS = [
    'line 4: refused: CIDR_UNAVAILABLE: cidr: 10.0.1.128/25 in pool "corp" is held by owner "web" (10.0.1.0/24); choose another or omit it',
    'line 5: refused: OUTSIDE_POOL: cidr: 10.1.0.0/24 is outside pool "corp" (10.0.0.0/16)',
    'line 6: refused: OWNER_CONFLICT: owner: "web" appears twice for pool "corp" in the file; give each allocation its own owner key (first on line 3)',
    'line 7: refused: INVALID_CIDR: cidr: "10.0.3.0/33" has prefix /33, but IPv4 prefixes go from /0 to /32',
    'line 8: refused: POOL_NOT_FOUND: pool: no pool "nope" in address space "default"; list pools with `ipam pool list`',
    'line 9: refused: CIDR_UNAVAILABLE: cidr: 10.0.5.0/24 in pool "corp" is held by owner "taken" (10.0.5.0/24); choose another or omit it',
    'line 10: refused: OWNER_CONFLICT: owner: "db" already holds 10.0.9.0/24 (prefix, allocated) in pool "corp"; the file gives 10.0.6.0/24 (prefix, allocated); release it first or use another owner key',
    'line 11: refused: POOL_OVERLAP: cidr: 10.0.0.0/8 overlaps pool "corp" (10.0.0.0/16) in address space "default"; choose a range that does not overlap, or nest it with parent "corp"',
    'line 12: refused: INVALID_INPUT: status: "frozen" is not an allocation status; use "allocated" or "released"',
    'line 13: refused: INVALID_INPUT: grace_period_seconds: "one day" is not a whole number',
    'line 14: refused: INVALID_INPUT: record: "shelf" is not a record type; use "pool" or "allocation"',
    'line 15: refused: INVALID_INPUT: line has 4 fields, the header 6; quote a field that holds a comma',
  ];

  it('refuses every conflicting line with its line number, field and message, and writes nothing', async () => {
    const before = await exported();
    const run = await s.ipam(`import ${s.file('conflicts.csv', CONFLICTS)}`);
    expect(run).to.deep.equal({
      code: 1,
      stdout: [...REFUSALS, 'nothing was written: 12 line(s) refused; fix them, or import the other lines with --skip-invalid', ''].join('\n'),
      stderr: '',
    });
    expect(await exported()).to.equal(before);
    const json = JSON.parse((await s.ipam('import conflicts.csv --json')).stdout);
    expect(json).to.deep.include({ dryRun: false, written: false, created: 2, unchanged: 0, refused: 12 });
    expect(json.refusals.map((r: { line: number; field: string }) => [r.line, r.field])).to.deep.equal([
      [4, 'cidr'], [5, 'cidr'], [6, 'owner'], [7, 'cidr'], [8, 'pool'], [9, 'cidr'], [10, 'owner'], [11, 'cidr'],
      [12, 'status'], [13, 'grace_period_seconds'], [14, 'record'], [15, 'file'],
    ]);
    expect(await exported()).to.equal(before);
  });

  it('--dry-run reports what would change and every conflict, and changes nothing', async () => {
    const before = await exported();
    const run = await s.ipam(`import ${s.file('conflicts.csv', CONFLICTS)} --dry-run`);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.equal(
      [
        'line 2: would create pool lab (192.168.0.0/24)',
        'line 3: would create allocation of "web" in pool corp (10.0.1.0/24)',
        ...REFUSALS,
        'dry run: 2 to create, 0 unchanged, 12 refused; nothing was written',
        '',
      ].join('\n'),
    );
    expect(await exported()).to.equal(before);

    const clean = s.file('clean.csv', csv('record,pool,cidr,owner', 'allocation,corp,10.0.5.0/24,taken', 'allocation,corp,10.0.1.0/24,web'));
    expect(await s.ipam(`import ${clean} --dry-run`)).to.deep.equal({
      code: 0,
      stdout: 'line 3: would create allocation of "web" in pool corp (10.0.1.0/24)\ndry run: 1 to create, 1 unchanged, 0 refused; nothing was written\n',
      stderr: '',
    });
    expect(await exported()).to.equal(before);
  });

  it('is idempotent by owner key: the same file a second time creates nothing, and says so', async () => {
    const file = s.file(
      'rows.csv',
      csv(
        'record,pool,cidr,owner,parent,kind,status,released_at,labels,description',
        'pool,office,10.0.16.0/20,claim-office,corp,,,,site=hq;floor=2,"Office, HQ"',
        'allocation,office,10.0.16.0/24,printers,,,,,,',
        'allocation,office,10.0.17.10,alice-laptop,,,,,,',
        'allocation,corp,10.0.32.0/24,old-lab,,prefix,released,2024-05-01T12:00:00Z,,',
      ),
    );
    expect(await s.ipam(`import ${file}`)).to.deep.equal({ code: 0, stdout: 'imported: 4 created, 0 unchanged\n', stderr: '' });
    const once = await exported();
    expect(await s.ipam(`import ${file}`)).to.deep.equal({ code: 0, stdout: 'imported: 0 created, 4 unchanged\n', stderr: '' });
    expect(await exported()).to.equal(once);
    expect((await s.ipam('audit office')).stdout.split('\n').filter((l) => l.includes('allocate'))).to.have.length(2);

    const doc = JSON.parse(once);
    expect(doc.pools.find((p: { name: string }) => p.name === 'office')).to.deep.include({
      parent: 'corp', owner: 'claim-office', description: 'Office, HQ', labels: { floor: '2', site: 'hq' }, creator: ME,
    });
    expect(doc.allocations.filter((a: { pool: string; owner: string }) => a.pool !== 'corp' || a.owner === 'old-lab').map((a: Record<string, string>) => [a.owner, a.cidr, a.kind, a.status, a.releasedAt, a.expiresAt])).to.deep.equal([
      ['old-lab', '10.0.32.0/24', 'prefix', 'released', '2024-05-01T12:00:00.000Z', '2024-05-02T12:00:00.000Z'],
      ['printers', '10.0.16.0/24', 'prefix', 'allocated', undefined, undefined],
      ['alice-laptop', '10.0.17.10/32', 'host', 'allocated', undefined, undefined],
    ]);
  });

  it('--skip-invalid imports the accepted lines and reports the refused ones', async () => {
    const file = s.file('mixed.csv', csv('record,pool,cidr,owner', 'allocation,corp,10.0.1.0/24,web', 'allocation,corp,10.0.5.0/24,clash', 'allocation,corp,10.0.2.0/24,api'));
    expect(await s.ipam(`import ${file} --skip-invalid`)).to.deep.equal({
      code: 0,
      stdout:
        'line 3: refused: CIDR_UNAVAILABLE: cidr: 10.0.5.0/24 in pool "corp" is held by owner "taken" (10.0.5.0/24); choose another or omit it\n' +
        'imported: 2 created, 0 unchanged, 1 refused and skipped\n',
      stderr: '',
    });
    expect((await s.ipam('allocations corp')).stdout.split('\n').slice(1, -1).map((l) => l.split(/\s+/).slice(0, 2))).to.deep.equal([
      ['web', '10.0.1.0/24'], ['api', '10.0.2.0/24'], ['taken', '10.0.5.0/24'], ['db', '10.0.9.0/24'],
    ]);
    expect((await s.ipam(`import ${file} --skip-invalid`)).stdout).to.match(/imported: 0 created, 2 unchanged, 1 refused and skipped\n$/);
  });

  it('reads the JSON of ipam export, naming the line of each refused row', async () => {
    const file = s.file(
      'backup.json',
      [
        '{',
        '  "format": "pulumi-ipam/v1",',
        '  "pools": [',
        '    {"name":"edge","cidr":"172.16.0.0/24","gateway":"172.16.0.1"},',
        '    {"name":"edge2","cidr":"172.16.1.0/24","gatway":"172.16.1.1"}',
        '  ],',
        '  "allocations": [',
        '    {"pool":"edge","owner":"r1","cidr":"172.16.0.1/32","kind":"host"},',
        '    {"pool":"edge","owner":"r2","cidr":"172.16.0.2/32","kind":"host"},',
        '    {"pool":"corp","owner":"late","cidr":"10.0.1.0/24","status":"allocated","releasedAt":"2024-01-01T00:00:00Z"}',
        '  ]',
        '}',
      ].join('\n'),
    );
    expect(await s.ipam(`import ${file}`)).to.deep.equal({
      code: 1,
      stdout: [
        'line 5: refused: INVALID_INPUT: gatway: not a field of a pool; its fields are space, name, kind, cidr, parent, strategy, gateway, reserved, defaultPrefixLength, gracePeriodSeconds, owner, creator, description, labels, createdAt',
        'line 8: refused: RESERVED_ADDRESS: address: 172.16.0.1 is the gateway of pool "edge"; choose another',
        'line 10: refused: INVALID_INPUT: releasedAt: only a released allocation has a release time; leave it out, or set status to released',
        'nothing was written: 3 line(s) refused; fix them, or import the other lines with --skip-invalid',
        '',
      ].join('\n'),
      stderr: '',
    });
    const wrong = s.file('other.json', '{"format": "pulumi-ipam/v9", "pools": []}');
    expect(await s.ipam(`import ${wrong}`)).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: 'error[INVALID_INPUT]: format: "pulumi-ipam/v9" is not an export format this version reads; it reads "pulumi-ipam/v1" (written by `ipam export`)\n',
    });
  });

  it('says what is wrong with the file or the options, before reading the state', async () => {
    expect(await s.ipam('import missing.csv')).to.deep.include({ code: 2, stdout: '' });
    expect((await s.ipam('import missing.csv')).stderr).to.equal(`error[USAGE]: cannot read ${s.dir}/missing.csv: ENOENT\n`);
    const unknown = s.file('unknown.csv', csv('record,pool,cidr,colour', 'pool,a,10.9.0.0/16,red'));
    expect((await s.ipam(`import ${unknown}`)).stderr).to.equal(
      'error[INVALID_INPUT]: line 1: column "colour" is not an import column; the columns are record, space, pool, cidr, owner, parent, kind, status, strategy, gateway, reserved, default_prefix_length, grace_period_seconds, created_at, allocated_at, released_at, creator, description, labels (see `ipam import --help`)\n',
    );
    const foreign = s.file('foreign.csv', csv('name,network', 'a,10.9.0.0/16'));
    expect((await s.ipam(`import ${foreign}`)).stderr).to.equal(
      'error[INVALID_INPUT]: line 1: the header (name,network) is none of the formats ipam import reads: a "record" column (ipam\'s CSV), "Prefix" (NetBox prefixes) or "IP Address" (NetBox IP addresses); or give --format\n',
    );
    expect((await s.ipam(`import ${foreign} --format xml`)).stderr).to.equal(
      'error[USAGE]: --format: "xml" is not an import format; use json, csv, netbox-prefixes, netbox-ip-addresses\n',
    );
    expect((await s.ipam(`import ${foreign} --dry-run --skip-invalid`)).code).to.equal(2);
  });

  it('draws a progress bar on stderr only when it is a terminal, and clears it at the end', async () => {
    const rows = Array.from({ length: 12_000 }, (_, i) => `allocation,corp,10.0.${128 + Math.floor(i / 256)}.${i % 256},host-${i}`);
    const file = s.file('many.csv', csv('record,pool,cidr,owner', ...rows));
    const piped = await s.ipam(`import ${file}`);
    expect(piped).to.deep.equal({ code: 0, stdout: 'imported: 12000 created, 0 unchanged\n', stderr: '' });
    const again = await s.ipam(`import ${file}`, {}, true);
    expect(again.stdout).to.equal('imported: 0 created, 12000 unchanged\n');
    expect(again.stderr).to.match(/^\rimporting \[#{13}\.{17}\] 41% 5000\/12000 lines/);
    expect(again.stderr).to.contain('\rimporting [##############################] 100% 12000/12000 lines');
    expect(again.stderr.endsWith('\r\x1b[K')).to.equal(true);
  });

  it('documents the CSV columns in ipam import --help', async () => {
    const help = (await s.ipam('import --help')).stdout;
    for (const column of ['record', 'space', 'pool', 'cidr', 'owner', 'parent', 'kind', 'status', 'reserved', 'released_at', 'labels']) {
      expect(help).to.match(new RegExp(`^ +${column} +\\S`, 'm'));
    }
    expect(help).to.contain('netbox-prefixes').and.to.contain('netbox-ip-addresses');
  });
});
