import { MemoryStore } from '../../provider/src/store/memory';
import { CommitRequest, CommitResult, Store } from '../../provider/src/engine/store';

/** A store that counts commits and can be told to misbehave, around a real memory store. */
export class FaultyStore implements Store {
  readonly kind = 'memory';
  commits = 0;
  failReads = false;
  /** 'conflict': every commit loses the race; 'lost-reply': commits, then the reply is lost. */
  commitFault: 'none' | 'conflict' | 'lost-reply' = 'none';
  constructor(readonly inner = new MemoryStore()) {}
  read(space: string, since?: number) {
    if (this.failReads) return Promise.reject(new Error('connection refused'));
    return this.inner.read(space, since);
  }
  async commit(request: CommitRequest): Promise<CommitResult> {
    this.commits += 1;
    if (this.commitFault === 'conflict') return { ok: false, version: request.expectedVersion + 1 };
    const result = await this.inner.commit(request);
    if (this.commitFault === 'lost-reply') throw new Error('socket hang up');
    return result;
  }
  listSpaces = () => this.inner.listSpaces();
  listAudit = (s: string, p: string, l: number) => this.inner.listAudit(s, p, l);
  identity = () => this.inner.identity();
  ping = () => this.inner.ping();
  close = () => this.inner.close();
}
