import { ConsistencyReport } from '../model/reports';
import { AllocationInfo, FindResult, PoolInfo, SliceInfo } from '../model/api';
import { AuditEvent } from '../model/records';
import { policyRows } from './policy-options';

/** Column-aligned text tables, as `kubectl get` prints them. */
export function table(headers: string[], rows: (string | number | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined || c === '' ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

export function poolTable(pools: PoolInfo[]): string {
  return table(
    ['NAME', 'SPACE', 'CIDR', 'PARENT', 'STRATEGY', 'ALLOCATED', 'FREE', 'UTILIZATION', 'CREATOR'],
    pools.map((p) => [p.name, p.space, p.cidr, p.parent, p.strategy, p.stats.allocated, p.stats.free, percent(p.stats.utilization), p.creator]),
  );
}

export function poolDetails(p: PoolInfo): string {
  const s = p.stats;
  const rows: [string, string | number | undefined][] = [
    ['Name', p.name],
    ['Space', p.space],
    ['CIDR', p.cidr],
    ['Kind', p.kind],
    ['Creator', p.creator],
    ['Parent', p.parent],
    ['Children', p.children.join(', ')],
    ['Strategy', p.strategy],
    ['Gateway', p.gateway],
    ['Reserved', p.reserved.join(', ')],
    ['Default prefix', p.defaultPrefixLength === undefined ? undefined : `/${p.defaultPrefixLength}`],
    ['Grace period', `${p.gracePeriodSeconds}s`],
    ['Netmask', p.facts.netmask],
    ['Hosts', `${p.facts.firstHost} - ${p.facts.lastHost}`],
    ['Total', s.total],
    ['Allocated', `${s.allocated} (${s.liveAllocations} allocations)`],
    ['Children', s.children],
    ['Reserved', s.reserved],
    ['Released (in grace)', `${s.releasedInGrace} (${s.releasedAllocations} released allocations)`],
    ['Reclaimable', s.reclaimable],
    ['Free', s.free],
    ['Utilization', percent(s.utilization)],
    ['Fragmentation', percent(s.fragmentation)],
    ['Largest free block', s.largestFreeBlock ?? 'none'],
  ];
  if (s.blocks !== undefined) {
    rows.push([`/${s.blocks.prefixLength} blocks`, `${s.blocks.available} available of ${s.blocks.total} (${s.blocks.free} free now)`]);
  }
  if (p.description !== undefined) rows.push(['Description', p.description]);
  if (p.labels !== undefined) rows.push(['Labels', Object.entries(p.labels).map(([k, v]) => `${k}=${v}`).join(', ')]);
  rows.push(...policyRows(p));
  return rows
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${`${k}:`.padEnd(22)}${v}`)
    .join('\n');
}

export function allocationTable(allocations: AllocationInfo[]): string {
  return table(
    ['OWNER', 'CIDR', 'KIND', 'STATUS', 'ALLOCATED', 'RELEASED', 'CREATOR'],
    allocations.map((a) => [a.owner, a.cidr, a.kind, a.status, a.allocatedAt, a.releasedAt, a.creator]),
  );
}

export function findTable(results: FindResult[]): string {
  return table(
    ['SPACE', 'POOL', 'POOL CIDR', 'HELD BY'],
    results.map((r) => [r.space, r.pool, r.poolCidr, r.allocation ? `${r.allocation.owner} (${r.allocation.cidr}, ${r.allocation.status})` : r.reserved ? 'reserved' : undefined]),
  );
}

export function checkText(report: ConsistencyReport): string {
  if (report.ok) return `pool ${report.pool}: consistent (${report.checkedAllocations} allocations checked)`;
  return [`pool ${report.pool}: ${report.issues.length} problem(s)`, ...report.issues.map((i) => `  ${i.finding}: ${i.message}`)].join('\n');
}

export function auditTable(events: AuditEvent[]): string {
  return table(['AT', 'ACTION', 'OWNER', 'CIDR', 'ACTOR'], events.map((e) => [e.at, e.action, e.owner, e.cidr, e.actor]));
}

export function sliceText(s: SliceInfo): string {
  return [
    table(['NAME', 'SLICE SUBNET', 'AVAILABLE', 'TOTAL', 'CREATOR'], [[s.name, s.sliceSubnet, s.availableSubnets, s.totalSubnets, s.creator]]),
    '',
    table(
      ['CLUSTER', 'SUBNET', 'STATUS', 'ALLOCATED', 'RELEASED'],
      s.allocatedSubnets.map((a) => [a.clusterName, a.subnet, a.status, a.allocatedAt, a.releasedAt]),
    ),
  ].join('\n');
}
