import { isIP } from 'node:net';
import { UsageError } from './args';

/**
 * What the long-running commands (serve, controller) share, kept apart from them so that the
 * command table loads neither the HTTP service nor the controller until one of them runs.
 */

/** HOST:PORT of a listening option (--listen, --health); an empty host is every interface. */
export function parseListen(text: string, option = 'listen'): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port > 65535) throw new UsageError(`--${option}: "${text}" is not HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080)`);
  return { host: match[1] ?? (match[2] === '' ? '0.0.0.0' : match[2]), port };
}

/** Whether a host is this machine's own (a service without tokens may listen only there). */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Resolves with the first of these signals the process gets. */
export function nextSignal(signals: NodeJS.Signals[]): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handlers = signals.map((signal) => {
      const handler = () => {
        signals.forEach((s, i) => process.off(s, handlers[i]));
        resolve(signal);
      };
      process.on(signal, handler);
      return handler;
    });
  });
}
