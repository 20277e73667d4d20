import { IpamError, Subject, errors } from '../errors';
import { BackendInfo, IpamApi } from '../model/api';
import { pulumiError } from './resource-handler';
import { ipamApi } from './settings';
import { Props } from './values';

/**
 * Every resource records, as its `backendId` output, which backend instance holds it. A
 * refresh, diff or delete against another backend (config that did not arrive, another
 * machine's SQLite file, another cluster) must not take "not found" for "gone": it fails,
 * naming both backends and the fix.
 */
const known = new WeakMap<IpamApi, Map<string, BackendInfo>>();

/** The backend holding `space`, asked once per provider process (a Kubernetes namespace with no state yet is asked again). */
export async function backendOf(api: IpamApi, space: string | undefined): Promise<BackendInfo> {
  let spaces = known.get(api);
  if (spaces === undefined) known.set(api, (spaces = new Map()));
  const key = space ?? '';
  const cached = spaces.get(key);
  if (cached !== undefined) return cached;
  let info: BackendInfo;
  try {
    info = await api.backend({ space });
  } catch (e) {
    throw e instanceof IpamError ? pulumiError(e) : e;
  }
  if (info.id !== undefined) spaces.set(key, info);
  return info;
}

/**
 * Refuses to act on the resource whose state is `props` when the backend the provider talks to
 * is not the one it was created in. State written before resources recorded their backend has
 * no id to compare: then nothing is asked (so a preview of such a stack opens no backend).
 */
export async function checkBackend(api: () => Promise<IpamApi>, props: Props, space: string | undefined, subject: Subject): Promise<void> {
  const recorded = props.backendId;
  if (typeof recorded !== 'string') return;
  const info = await backendOf(await api(), space);
  if (recorded === info.id) return;
  throw pulumiError(errors.BACKEND_MISMATCH({ subject, recorded, location: info.location, currentId: info.id }));
}

/**
 * The backend to act on the existing resource whose state is `props` (refresh, update, delete),
 * and its id for the outputs: refused when it is not the backend the resource was created in.
 */
export async function onItsBackend(props: Props, space: string | undefined, subject: Subject): Promise<{ api: IpamApi; backendId: string | undefined }> {
  await checkBackend(ipamApi, props, space, subject);
  const api = await ipamApi();
  return { api, backendId: (await backendOf(api, space)).id };
}
