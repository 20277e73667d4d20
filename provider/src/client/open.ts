import { BackendSettings, OpenOptions } from '../config/backend';
import { IpamError } from '../errors';
import { IpamApi } from '../model/api';
import { HttpIpam } from './http-ipam';

/**
 * The HTTP backend, selected by `server` (ipam --server, IPAM_SERVER, stack config ipam:server).
 * The audit trail's "who" is the token's name as the service knows it, not options.actor: a
 * client cannot claim to be someone else.
 */
export async function openHttpIpam(settings: BackendSettings, options: OpenOptions): Promise<IpamApi> {
  void options;
  const server = settings.server ?? '';
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new IpamError('INVALID_INPUT', `server: ${JSON.stringify(server)} is not a URL; give the service address like https://ipam.example.net:8443`, 'server');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new IpamError('INVALID_INPUT', `server: ${JSON.stringify(server)} must be an http:// or https:// URL`, 'server');
  }
  return new HttpIpam({ server, token: settings.token });
}
