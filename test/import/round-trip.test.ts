import { expect } from 'chai';
import { openPostgresStore } from '../../provider/src/store/postgres';
import { useCluster } from '../kubernetes/setup';
import { InProcessService, WRITER, startInProcess } from '../support/http-service';
import { PostgresCluster, clusterOrSkip } from '../support/postgres';
import { Session, session } from './cli-run';

/**
 * `ipam export` for moving between backends, as a round trip through each one the command
 * opens: the embedded SQLite file, then the HTTP service over PostgreSQL (`--server`), then
 * Kubernetes custom resources (`--kubeconfig`, on the API stand-in). Each import creates
 * everything once and nothing the second time, and every backend ends with the same export.
 */
const SPACES = ['default', 'team-b'];

describe('ipam export -> import round trip: SQLite -> PostgreSQL (HTTP service) -> Kubernetes', function () {
  this.timeout(120_000);
  const kube = useCluster(SPACES);
  let postgres: PostgresCluster;
  let service: InProcessService;
  let s: Session;

  before(async function () {
    postgres = await clusterOrSkip(this);
  });
  after(() => postgres?.stop());
  beforeEach(async () => {
    const store = await openPostgresStore({ url: await postgres.createDatabase(`round_trip_${process.pid}_${Date.now() % 100000}`) });
    // A small body limit: the import must send its rows in batches that fit it.
    service = await startInProcess(store, { bodyLimit: 4096 });
    s = session();
  });
  afterEach(() => service?.close());

  const exports = async (on: string) => {
    const texts: string[] = [];
    for (const space of SPACES) texts.push((await s.ipam(`export --space ${space} ${on}`)).stdout);
    return texts;
  };

  it('recreates every pool and allocation exactly, on each backend', async () => {
    const commands = [
      'pool create corp 10.0.0.0/16 --default-prefix 24 --gateway --reserve 10.0.255.0/24 --label team=net --description Corporate',
      'pool create office --parent corp --prefix 20 --owner claim-office --strategy best-fit',
      'pool create vpn 10.8.0.0/24 --gateway --grace 1h',
      'alloc corp --owner web',
      'alloc corp --owner db --prefix 26 --label tier=data --label app=pg',
      'alloc office --owner printers --prefix 24',
      'alloc vpn --owner alice --ip',
      'alloc vpn --owner bob --ip',
      'release vpn --owner bob',
      'pool create lab 192.168.0.0/16 --space team-b',
      'alloc lab --owner bench --prefix 24 --space team-b',
      'slice sync blue 10.2.0.0/16 --size 24 --cluster worker-1 --cluster worker-2 --namespace team-b',
    ];
    for (const line of commands) expect((await s.ipam(line)).code, line).to.equal(0);
    for (let i = 0; i < 30; i++) expect((await s.ipam(`alloc vpn --owner peer-${i} --ip`)).code).to.equal(0);
    const fromSqlite = await exports('');
    const whole = s.file('all.json', (await s.ipam('export')).stdout);
    const counts = JSON.parse(s.read(whole));
    expect([counts.pools.length, counts.allocations.length]).to.deep.equal([5, 38]);

    const server = `--server ${service.url}`;
    const token = { IPAM_TOKEN: WRITER.token };
    expect(await s.ipam(`import ${whole} ${server}`, token)).to.deep.equal({ code: 0, stdout: 'imported: 43 created, 0 unchanged\n', stderr: '' });
    expect(service.logs.filter((l) => l.route === '/v1/spaces/{space}/import').length, 'requests that fit 4 KiB').to.be.greaterThan(2);
    expect(await s.ipam(`import ${whole} ${server}`, token)).to.deep.equal({ code: 0, stdout: 'imported: 0 created, 43 unchanged\n', stderr: '' });
    const fromPostgres = await (async () => {
      const texts: string[] = [];
      for (const space of SPACES) texts.push((await s.ipam(`export --space ${space} ${server}`, token)).stdout);
      return texts;
    })();
    expect(fromPostgres).to.deep.equal(fromSqlite);

    const moved = s.file('from-postgres.json', (await s.ipam(`export ${server}`, token)).stdout);
    const onKube = `--kubeconfig ${kube.cluster.kubeconfig}`;
    expect(await s.ipam(`import ${moved} ${onKube}`)).to.deep.equal({ code: 0, stdout: 'imported: 43 created, 0 unchanged\n', stderr: '' });
    expect(await s.ipam(`import ${moved} ${onKube}`)).to.deep.equal({ code: 0, stdout: 'imported: 0 created, 43 unchanged\n', stderr: '' });
    expect(await exports(onKube)).to.deep.equal(fromSqlite);

    // What each backend holds is usable: the gateway, the reserved range and the slice behave the same.
    expect((await s.ipam(`alloc vpn --owner carol --ip ${onKube}`)).stdout).to.contain('carol  10.8.0.34/32');
    expect((await s.ipam(`slice show blue --namespace team-b ${server}`, token)).stdout).to.contain('worker-2');
  });
});
