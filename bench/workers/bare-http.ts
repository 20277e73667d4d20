/**
 * Child process of bench/figures/http.ts: a bare node:http JSON server, the baseline for the
 * IPAM service. It reads each request's JSON body and answers 200 with a JSON object the size of
 * an allocation, echoing the path, with keep-alive as the service has: what HTTP and JSON cost
 * on this machine with no store, no engine, no validation. Prints its URL, then serves until
 * killed.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

let served = 0;
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body: unknown = chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
    served += 1;
    const answer = JSON.stringify({
      path: request.url,
      asked: body,
      cidr: `10.0.${(served >> 5) & 0xff}.${(served & 31) * 8}/29`,
      status: 'allocated',
      allocatedAt: new Date().toISOString(),
      prefixLength: 29,
      netmask: '255.255.255.248',
    });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
    response.end(answer);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
