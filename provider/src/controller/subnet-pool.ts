import { PoolInfo } from '../model/api';
import { condition, failedStatus } from './conditions';
import { poolFigures } from '../backends/kubernetes/projection/desired';
import { KindHandler, ReconcileInput, specOf } from './handler';
import { replacingPolicy } from '../model/policy';
import { PoolPolicyInput } from '../model/policy-types';

/**
 * An applied SubnetPool: a root pool (spec.cidr) or a child of spec.parentRef.name. Created
 * through the engine, then its mutable fields (strategy, gateway, reserved, defaultPrefixLength,
 * gracePeriodSeconds, description, policy, and the object's labels, which claims select pools by)
 * kept in line with the object. The status aggregates (total,
 * allocated, free, utilization, children) are the engine's figures, recomputed on every pass.
 */
interface PoolSpec {
  cidr: string;
  parentRef?: { name: string };
  strategy?: 'first-fit' | 'best-fit';
  gateway?: string;
  reserved?: string[];
  defaultPrefixLength?: number;
  gracePeriodSeconds?: number;
  description?: string;
  /** Allocation rules and quotas (model/policy-types.ts). */
  policy?: PoolPolicyInput;
}

export const subnetPoolHandler: KindHandler = {
  kind: 'SubnetPool',
  plural: 'subnetpools',

  async reconcile({ ipam, object, namespace, creator, now }) {
    const spec = specOf(object) as unknown as PoolSpec;
    const pool = object.metadata.name;
    const exists = (await ipam.listPools({ space: namespace })).some((p) => p.name === pool);
    const info = exists
      ? await ipam.updatePool({
          space: namespace,
          pool,
          creator,
          strategy: spec.strategy,
          gateway: spec.gateway ?? null,
          reserved: spec.reserved ?? [],
          defaultPrefixLength: spec.defaultPrefixLength ?? null,
          gracePeriodSeconds: spec.gracePeriodSeconds,
          description: spec.description ?? null,
          labels: object.metadata.labels ?? null,
          policy: replacingPolicy(spec.policy),
        })
      : await ipam.createPool({
          space: namespace,
          name: pool,
          cidr: spec.cidr,
          parent: spec.parentRef?.name,
          creator,
          strategy: spec.strategy,
          gateway: spec.gateway,
          reserved: spec.reserved,
          defaultPrefixLength: spec.defaultPrefixLength,
          gracePeriodSeconds: spec.gracePeriodSeconds,
          description: spec.description,
          labels: object.metadata.labels,
          policy: spec.policy,
        });
    const previous = object.status;
    const message = `${info.cidr} is assigned${info.parent === undefined ? '' : ` from pool "${info.parent}"`}`;
    const ready = condition(previous, 'Ready', 'True', 'CIDRAssigned', message, now);
    const assigned = (previous?.conditions as { type: string; reason: string }[] | undefined)?.some((c) => c.type === 'Ready' && c.reason === 'CIDRAssigned') === true;
    return {
      status: poolStatus(info, object.metadata.generation, [ready]),
      events: assigned ? [] : [{ type: 'Normal', reason: 'CIDRAssigned', message: `pool ${pool}: ${message}` }],
    };
  },

  async release({ ipam, object, namespace, creator }) {
    await ipam.deletePool({ space: namespace, pool: object.metadata.name, creator });
    return [{ type: 'Normal', reason: 'Released', message: `pool ${object.metadata.name} (${specOf(object).cidr}) deleted` }];
  },

  failed({ object, now }: ReconcileInput, message, waiting) {
    const parent = (specOf(object).parentRef as { name?: string } | undefined)?.name;
    return failedStatus(object, now, message, waiting ? { what: `parent pool "${parent}"`, reason: 'WaitingParent' } : undefined);
  },
};

function poolStatus(info: PoolInfo, generation: number | undefined, conditions: unknown[]): Record<string, unknown> {
  return { ...(info.creator === undefined ? {} : { creator: info.creator }), phase: 'Ready', observedGeneration: generation, ...poolFigures(info), conditions };
}

