import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The controller's probes and Prometheus metrics, on their own port (plain HTTP, as kubelet and
 * Prometheus scrape a pod):
 *   /healthz  200 while the process runs its loops;
 *   /readyz   200 once the replica knows where it stands: a follower that has read the Lease, a
 *             leader whose watches have listed everything; 503 before;
 *   /metrics  ipam_controller_leader (1 on the leader), ipam_controller_reconciles_total{kind,
 *             result}, ipam_controller_watch_restarts_total{resource,reason},
 *             ipam_controller_queue_depth, and Node's process metrics.
 */
export class ControllerMetrics {
  readonly registry = new Registry();
  readonly leader = new Gauge({ name: 'ipam_controller_leader', help: '1 while this replica holds the Lease and reconciles', registers: [this.registry] });
  readonly reconciles = new Counter({ name: 'ipam_controller_reconciles_total', help: 'Reconciles of applied objects, by kind and result (ok, refused, retry)', labelNames: ['kind', 'result'], registers: [this.registry] });
  readonly watchRestarts = new Counter({ name: 'ipam_controller_watch_restarts_total', help: 'Watches resumed or listed again, by resource and reason (closed, expired, error)', labelNames: ['resource', 'reason'], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'ipam_controller_queue_depth', help: 'Namespaces waiting for a reconcile pass', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.leader.set(0);
  }
}

export class HealthServer {
  private server: Server | undefined;

  constructor(
    private readonly metrics: ControllerMetrics,
    private readonly isReady: () => boolean,
  ) {}

  async listen(host: string, port: number): Promise<string> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const reply = (code: number, text: string, type = 'text/plain; charset=utf-8') => {
        res.writeHead(code, { 'Content-Type': type });
        res.end(text);
      };
      if (req.method !== 'GET') return reply(405, 'method not allowed\n');
      if (path === '/healthz') return reply(200, 'ok\n');
      if (path === '/readyz') return this.isReady() ? reply(200, 'ok\n') : reply(503, 'not ready: the Lease or the watches are not synced yet\n');
      if (path === '/metrics') {
        void this.metrics.registry.metrics().then((text) => reply(200, text, this.metrics.registry.contentType), (e: Error) => reply(500, `${e.message}\n`));
        return;
      }
      reply(404, 'not found: /healthz, /readyz, /metrics\n');
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    const address = server.address() as AddressInfo;
    return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
