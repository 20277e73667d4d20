import { expect } from 'chai';
import { runCli } from '../../provider/src/cli/main';

/** `ipam controller`: a command line it cannot run with is refused at once, exit 2, before anything starts. */
async function ipam(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(line.split(' ').filter(Boolean), { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: process.cwd() });
  return { code, stdout, stderr };
}

describe('ipam controller (command line)', () => {
  it('refuses Lease timings that could let two replicas lead at once', async () => {
    expect(await ipam('controller --retry-period 5 --renew-deadline 3')).to.deep.equal({
      code: 2,
      stdout: '',
      stderr: 'error[USAGE]: --retry-period < --renew-deadline < --lease-duration, or two replicas could lead at once\n',
    });
  });

  it('refuses a duration under one second and a probe address that is not HOST:PORT', async () => {
    expect((await ipam('controller --resync 0')).stderr).to.equal('error[USAGE]: --resync: give a number of seconds, at least 1\n');
    expect((await ipam('controller --health 8081')).stderr).to.equal('error[USAGE]: --health: "8081" is not HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080)\n');
  });

  it('is listed in ipam --help with its options', async () => {
    const help = await ipam('controller --help');
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include('run the in-cluster controller');
    expect(help.stdout).to.include('--lease-duration S');
  });
});
