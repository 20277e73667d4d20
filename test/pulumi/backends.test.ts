import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpIpam } from '../../provider/src/client/http-ipam';
import { ServiceProcess, WRITER, startServeProcess } from '../support/http-service';
import { exampleStack } from '../support/pulumi/examples';

/**
 * The same Pulumi resources on the shared backends: a stack configured with `ipam:server` and
 * the secret `ipam:token` talks to a running `ipam serve`, through Pulumi's provider host.
 */
describe('Pulumi resources on the HTTP IPAM service (real provider host, real `ipam serve`)', function () {
  this.timeout(180_000);
  let service: ServiceProcess;

  before(async () => {
    service = await startServeProcess(join(mkdtempSync(join(tmpdir(), 'ipam-pulumi-http-')), 'ipam.db'));
  });
  after(async () => {
    await service.stop();
  });

  it('runs seed 000\'s slices through the service; the audit names the token, the state never holds it', async () => {
    const stack = exampleStack('kubeslice', { config: { 'ipam:server': service.url, 'ipam:token': WRITER.token } });
    const up = await stack.up();
    expect(up.outputs.blueSubnets).to.deep.equal({ 'worker-1': '10.2.0.0/24', 'worker-2': '10.2.1.0/24' });
    expect([up.outputs.blueAvailable, up.outputs.blueTotal]).to.deep.equal([254, 256]);

    const client = new HttpIpam({ server: service.url, token: WRITER.token });
    const slice = await client.getSlice({ namespace: 'kubeslice-cisco', name: 'red' });
    expect(slice.allocatedSubnets.map((a) => a.subnet)).to.deep.equal(['10.3.0.0/24', '10.3.1.0/24']);
    const audit = await client.listAudit({ space: 'kubeslice-cisco', pool: 'blue' });
    expect(new Set(audit.map((e) => e.actor))).to.deep.equal(new Set([WRITER.name]));
    expect(JSON.stringify(stack.resources)).to.not.contain(WRITER.token);

    await stack.destroy();
    expect(await client.listPools({ space: 'kubeslice-cisco' })).to.deep.equal([]);
  });

  it('a wrong token fails the update with the service\'s code and message, and changes nothing', async () => {
    const stack = exampleStack('quickstart', { config: { 'ipam:server': service.url, 'ipam:token': 'not-a-token' } });
    const error = await stack.up().then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/UNAUTHORIZED: /);
    const client = new HttpIpam({ server: service.url, token: WRITER.token });
    expect(await client.listPools({ space: 'default' })).to.deep.equal([]);
  });
});
