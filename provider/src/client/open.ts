import { BackendSettings, OpenOptions } from '../config/backend';
import { IpamError } from '../errors';
import { IpamApi } from '../model/api';

// Placeholder until the HTTP backend lands (issue: HTTP IPAM service); replaced by the real client.
export async function openHttpIpam(settings: BackendSettings, options: OpenOptions): Promise<IpamApi> {
  void options;
  throw new IpamError('STORE_UNAVAILABLE', `server: the HTTP backend (${settings.server}) is not available in this build yet`, 'server');
}
