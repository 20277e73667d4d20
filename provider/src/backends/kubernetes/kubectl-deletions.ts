import { isIpamError } from '../../errors';
import { IpamApi } from '../../model/api';
import { DeletionAsked, DerivedObjects } from './projection/sync';

/**
 * Pools deleted with kubectl (their SubnetPool or SliceIpam has a deletionTimestamp while the pool
 * is still in the ledger) are deleted through the IpamApi, so the engine's own rule decides: a
 * pool that holds live allocations or child pools stays, and its object shows why in a
 * DeletionBlocked condition. Every later pass of the projection asks again, so the deletion goes
 * through once the pool is empty.
 */
export class KubectlDeletions {
  private readonly inFlight = new Set<string>();

  constructor(
    /** The API acting as "kubectl": the audit trail says who asked. */
    private readonly api: IpamApi,
    private readonly objects: DerivedObjects,
    /** Runs the work in the background, where the backend's idle() waits for it. */
    private readonly track: (work: Promise<unknown>) => void,
    private readonly warn: (message: string) => void,
  ) {}

  asked(space: string, deletions: DeletionAsked[]): void {
    for (const deletion of deletions) this.delete(space, deletion);
  }

  private delete(space: string, { pool, kind }: DeletionAsked): void {
    const key = JSON.stringify([space, pool]);
    if (this.inFlight.has(key)) return;
    this.inFlight.add(key);
    const attempt = this.api
      .deletePool({ space, pool })
      .catch(async (e) => {
        if (isIpamError(e) && e.code === 'POOL_IN_USE') await this.showBlocked(space, { pool, kind }, e.message);
        else if (!(isIpamError(e) && e.code === 'POOL_NOT_FOUND')) this.warn(`deleting pool "${pool}" as asked with kubectl failed: ${(e as Error).message}`);
      })
      .finally(() => this.inFlight.delete(key));
    this.track(attempt);
  }

  private async showBlocked(space: string, { pool, kind }: DeletionAsked, message: string): Promise<void> {
    try {
      await this.objects.reportDeletionBlocked(space, kind, pool, message);
    } catch (e) {
      this.warn(`could not show on ${kind} "${pool}" why its deletion waits: ${(e as Error).message}`);
    }
  }
}
