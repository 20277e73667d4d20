import { HttpIpam } from '../client/http-ipam';
import { errors } from '../errors';

/**
 * The HTTP backend, selected by `server` (ipam --server, IPAM_SERVER, stack config ipam:server).
 * The audit trail's "who" is the token's name as the service knows it, not the caller's actor: a
 * client cannot claim to be someone else.
 */
export function openHttp(connection: { server: string; token?: string }): HttpIpam {
  const { server } = connection;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw errors.INVALID_INPUT({ case: 'server-url', server });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw errors.INVALID_INPUT({ case: 'server-protocol', server });
  }
  return new HttpIpam({ server, token: connection.token });
}
