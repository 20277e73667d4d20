import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { REPO, TSX_ARGS, runAllocationWorkers } from '../support/processes';
import { at, refusal } from './kube-api';
import { readStoredSpec } from '../../provider/src/store/kubernetes/ledger-format';
import { derivedDifferences } from './derived-check';
import { useCluster } from './setup';

/**
 * The ledger is the truth; everything else is derived and repaired. A writer killed between
 * its ledger write and its derived writes leaves the objects behind the ledger: the next
 * process to look at the namespace, or the next change of the pool, brings them in line.
 * Concurrent writers in several processes converge too.
 */
const NS = 'crash';

describe('Kubernetes backend: derived objects are repaired', function () {
  this.timeout(180_000);
  const t = useCluster([NS, 'busy']);

  /** Runs `ipam alloc` in a child process, killed by the stand-in right after its ledger update. */
  async function allocateAndDie(owner: string): Promise<void> {
    const child = spawn(process.execPath, [...TSX_ARGS, join(REPO, 'provider/src/cli/main.ts'), '--kubeconfig', t.cluster.kubeconfig, '--namespace', NS, 'alloc', 'corp', '--owner', owner], {
      cwd: REPO,
      stdio: 'ignore',
    });
    t.cluster.standIn!.hooks.afterWrite = (request) => {
      if (request.resource === 'ipamledgers' && request.namespace === NS) child.kill('SIGKILL');
    };
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
    t.cluster.standIn!.hooks.afterWrite = undefined;
    expect(signal).to.equal('SIGKILL');
  }

  it('after a writer dies between the ledger write and the derived writes: the next process, and the next change, repair', async function () {
    if (t.cluster.standIn === undefined) this.skip();
    const first = await t.open(NS);
    await first.createPool({ name: 'corp', cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
    await first.allocate({ pool: 'corp', owner: 'web' });

    await allocateAndDie('crashed');
    const ledger = await t.api.getNamespacedCustomObject({ ...at(NS, 'ipamledgers'), name: 'ledger' });
    expect(readStoredSpec(NS, ledger.spec).allocations.map((a) => a.owner)).to.deep.equal(['web', 'crashed']);
    expect((await refusal(t.api.getNamespacedCustomObject({ ...at(NS, 'subnetpoolclaims'), name: 'corp.crashed' }))).code).to.equal(404);
    expect(await derivedDifferences(t.api, NS)).to.not.deep.equal([]);

    // Another process reads the namespace (a read, no change): its first look repairs.
    const second = await t.open(NS);
    expect((await second.getPool({ pool: 'corp' })).stats.liveAllocations).to.equal(2);
    expect((await t.api.getNamespacedCustomObject({ ...at(NS, 'subnetpoolclaims'), name: 'corp.crashed' })).status).to.include({ phase: 'Bound', cidr: '10.0.1.0/24' });
    expect(await derivedDifferences(t.api, NS)).to.deep.equal([]);

    // Again; this time the process that already looked makes the next change in the pool.
    await allocateAndDie('crashed-again');
    expect(await derivedDifferences(t.api, NS)).to.not.deep.equal([]);
    await first.allocate({ pool: 'corp', owner: 'db' });
    expect(await derivedDifferences(t.api, NS)).to.deep.equal([]);
    expect((await t.api.getNamespacedCustomObject({ ...at(NS, 'subnetpools'), name: 'corp' })).status.liveAllocations).to.equal(4);
  });

  it('keeps a commit when its derived writes fail, and repairs them with the next change', async function () {
    if (t.cluster.standIn === undefined) this.skip();
    const ipam = await t.open(NS);
    await ipam.createPool({ name: 'corp', cidr: '10.0.0.0/16', defaultPrefixLength: 24 });
    const warnings: string[] = [];
    const warn = process.stderr.write;
    t.cluster.standIn.hooks.beforeHandle = (request) => {
      if (request.resource !== 'ipamledgers') throw new Error('injected: the API server is overloaded');
    };
    process.stderr.write = ((text: string) => (warnings.push(text), true)) as typeof process.stderr.write;
    try {
      expect((await ipam.allocate({ pool: 'corp', owner: 'web' })).cidr).to.equal('10.0.0.0/24');
    } finally {
      process.stderr.write = warn;
      t.cluster.standIn.hooks.beforeHandle = undefined;
    }
    expect(warnings.join('')).to.match(/^ipam: warning: the ledger of namespace "crash" is saved, but its SubnetPool\/SubnetPoolClaim\/SliceIpam\/ClientIp objects could not all be written; the next change repairs them: /);
    await ipam.allocate({ pool: 'corp', owner: 'db' });
    expect(await derivedDifferences(t.api, NS)).to.deep.equal([]);
  });

  it('converges when several processes allocate in one pool at once', async () => {
    const ipam = await t.open('busy');
    await ipam.createPool({ name: 'shared', cidr: '10.40.0.0/16', defaultPrefixLength: 26 });
    await ipam.createPool({ name: 'peers', cidr: '10.41.0.0/24', gateway: true });
    const store = { type: 'kubernetes', kubeconfig: t.cluster.kubeconfig, namespace: 'busy' };
    const outputs = await runAllocationWorkers([
      ...['a', 'b'].map((worker) => ({ store, space: 'busy', pool: 'shared', worker, clients: 4, perClient: 5 })),
      { store, space: 'busy', pool: 'peers', worker: 'h', clients: 2, perClient: 5, host: true },
    ]);
    expect(outputs.flatMap((o) => o.errors)).to.deep.equal([]);
    // Each writer wrote what its commit changed, or compared everything when others were mid-way.
    expect(await derivedDifferences(t.api, 'busy')).to.deep.equal([]);
    expect((await t.api.listNamespacedCustomObject({ ...at('busy', 'subnetpoolclaims') })).items).to.have.length(40);
  });
});
