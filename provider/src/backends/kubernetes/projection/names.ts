import { createHash } from 'node:crypto';

/**
 * Names of the objects derived from allocations. A claim or client IP is named
 * "<pool>.<owner>" when the owner key is a DNS-1123 label (lowercase letters, digits, "-"):
 * pool names may hold dots but such owners cannot, so the name says which pool and owner it is
 * and no two (pool, owner) pairs share it. Other owner keys ("dev/web/App1") become a readable
 * part plus a hash of the exact key: "<pool>.dev-web-app1-5d41402abc" (40 bits: two keys of one
 * pool sharing a name is not a practical concern).
 */
const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const MAX_NAME = 253;
const HASH_LENGTH = 10;
const READABLE_LENGTH = 40;

export function memberObjectName(pool: string, owner: string): string {
  if (LABEL.test(owner) && pool.length + 1 + owner.length <= MAX_NAME) return `${pool}.${owner}`;
  const readable = owner
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, READABLE_LENGTH)
    .replace(/-+$/, '');
  const hash = createHash('sha256').update(owner).digest('hex').slice(0, HASH_LENGTH);
  return `${pool}.${readable === '' ? '' : `${readable}-`}${hash}`;
}
