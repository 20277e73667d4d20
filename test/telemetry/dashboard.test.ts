import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { IpamError } from '../../provider/src/errors';
import { SqliteStore } from '../../provider/src/store/sqlite';
import { READER, WRITER, startInProcess } from '../support/http-service';
import { REPO } from '../support/processes';
import { exposition, promqlRefs } from '../support/promql';

/**
 * The Grafana dashboard shipped in deploy/grafana reads only what the service serves: every
 * metric, label and exact label value its PromQL names is in the /metrics of a real service
 * (over a SQLite file, after allocations, a release and a refusal).
 */
interface Dashboard {
  panels: { type: string; title: string; targets?: { expr: string }[] }[];
  templating: { list: { type: string; query: string | { query: string } }[] };
}

const PROMQL_FUNCTIONS = new Set(['sum', 'max', 'min', 'avg', 'count', 'rate', 'increase', 'histogram_quantile', 'label_values']);
const dashboard = JSON.parse(readFileSync(join(REPO, 'deploy', 'grafana', 'pulumi-ipam.json'), 'utf8')) as Dashboard;
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { files: string[] };

/** Each expression of the dashboard: panel targets, and the variables' label_values(expr, label). */
function expressions(): { where: string; expr: string; label?: string }[] {
  const found: { where: string; expr: string; label?: string }[] = [];
  for (const panel of dashboard.panels) for (const t of panel.targets ?? []) found.push({ where: `panel "${panel.title}"`, expr: t.expr });
  for (const v of dashboard.templating.list.filter((v) => v.type === 'query')) {
    const query = typeof v.query === 'string' ? v.query : v.query.query;
    const [, expr, label] = /^label_values\((.*),\s*([A-Za-z_]\w*)\)$/.exec(query)!;
    found.push({ where: `variable ${query}`, expr, label });
  }
  return found;
}

describe('Grafana dashboard deploy/grafana/pulumi-ipam.json', function () {
  this.timeout(60_000);
  let series: Map<string, Record<string, string>[]>;

  before(async () => {
    const service = await startInProcess(new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ipam-dashboard-')), 'state.db')));
    const client = new HttpIpam({ server: service.url, token: WRITER.token, retries: 0 });
    try {
      await client.createPool({ space: 'lab', name: 'edge', cidr: '10.9.0.0/23', defaultPrefixLength: 24 });
      await Promise.all(['a', 'b'].map((owner) => client.allocate({ space: 'lab', pool: 'edge', owner })));
      expect(await client.allocate({ space: 'lab', pool: 'edge', owner: 'c' }).catch((e: IpamError) => e.code)).to.equal('POOL_EXHAUSTED');
      await client.release({ space: 'lab', pool: 'edge', owner: 'a' });
      const response = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${READER.token}` } });
      expect(response.status).to.equal(200);
      series = exposition(await response.text());
    } finally {
      await client.close();
      await service.close();
    }
  });

  it('is shipped with the package', () => {
    expect(pkg.files).to.include('deploy');
  });

  it('every panel has a query, and the dashboard covers utilization, rates, latency, errors, batch sizes and retries', () => {
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) expect((panel.targets ?? []).length, panel.title).to.be.greaterThan(0);
    const metrics = new Set(expressions().flatMap((e) => [...promqlRefs(e.expr).metrics]));
    for (const name of ['ipam_utilization_rate', 'ipam_allocations_total', 'ipam_allocation_duration_seconds_bucket', 'ipam_http_errors_total', 'ipam_engine_batch_operations_bucket', 'ipam_store_commits_total']) {
      expect(metrics, name).to.include(name);
    }
  });

  it('names only metrics, labels and label values that the running service exposes', () => {
    const problems: string[] = [];
    for (const { where, expr, label } of expressions()) {
      const refs = promqlRefs(expr);
      if (label !== undefined) refs.labels.add(label);
      const samples = [...refs.metrics].flatMap((m) => series.get(m) ?? []);
      for (const metric of refs.metrics) if (!series.has(metric)) problems.push(`${where}: metric ${metric} is not served`);
      for (const name of refs.labels) if (!samples.some((s) => name in s)) problems.push(`${where}: no series of ${[...refs.metrics].join(', ')} has label ${name}`);
      for (const pair of refs.values) {
        const [name, value] = pair.split('=');
        if (!samples.some((s) => s[name] === value)) problems.push(`${where}: no series has ${name}="${value}"`);
      }
      for (const fn of refs.functions) if (!PROMQL_FUNCTIONS.has(fn)) problems.push(`${where}: ${fn}() is not a function this test knows`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('the service reports what the operations did: the refusal by code, the commits and the batch sizes', () => {
    expect(series.get('ipam_http_errors_total')).to.deep.equal([{ route: '/v1/spaces/{space}/pools/{pool}/allocations/{owner}', code: 'POOL_EXHAUSTED' }]);
    const commits = (series.get('ipam_store_commits_total') ?? []).map((s) => s.outcome).sort();
    expect(commits).to.deep.equal(['committed', 'conflict', 'failed', 'refused']);
    expect(series.get('ipam_engine_batch_operations_count')).to.deep.equal([{}]);
  });

  it('the checker sees through PromQL (it is not a test that cannot fail)', () => {
    const refs = promqlRefs('histogram_quantile(0.99, sum by (le, operation) (rate(ipam_x_bucket{outcome="ok", pool=~"$pool"}[5m]))) / on (space) ipam_y');
    expect([[...refs.metrics], [...refs.labels].sort(), [...refs.values], [...refs.functions].sort()]).to.deep.equal([
      ['ipam_x_bucket', 'ipam_y'],
      ['le', 'operation', 'outcome', 'pool', 'space'],
      ['outcome=ok'],
      ['histogram_quantile', 'rate', 'sum'],
    ]);
  });
});
