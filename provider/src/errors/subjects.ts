/**
 * The things messages talk about, as data: each file of the catalogue words them here, once,
 * so a caller passes what it knows (a pool's name and space) and never a phrase.
 */

/** What a creator or backend check is about: a pool, a slice, or something held in a pool. */
export type Subject =
  | { type: 'pool'; name: string; space: string }
  | { type: 'slice'; name: string; namespace: string }
  /** An owner's allocation as the engine knows it: its kind and block. */
  | { type: 'holding'; kind: 'host' | 'prefix'; owner: string; pool: string; cidr: string }
  /** Pulumi's view of what a resource stands for (the program's inputs, possibly missing). */
  | { type: 'client-address'; client?: string; pool?: string }
  | { type: 'child-pool'; name?: string; parent?: string }
  | { type: 'owner-block'; owner?: string; pool?: string };

export function describe(subject: Subject): string {
  switch (subject.type) {
    case 'pool':
      return `pool "${subject.name}" in address space "${subject.space}"`;
    case 'slice':
      return `slice "${subject.name}" in namespace "${subject.namespace}"`;
    case 'holding':
      return `the ${subject.kind === 'host' ? 'address' : 'block'} of owner "${subject.owner}" in pool "${subject.pool}" (${subject.cidr})`;
    case 'client-address':
      return `the address of client "${subject.client}" in pool "${subject.pool}"`;
    case 'child-pool':
      return `child pool "${subject.name}" of pool "${subject.parent}"`;
    case 'owner-block':
      return `the block of owner "${subject.owner}" in pool "${subject.pool}"`;
  }
}

/** What holds a block of a pool (the allocator's occupants), with CIDRs already written out. */
export type Holder =
  | { type: 'allocation'; owner: string; cidr: string; released?: boolean }
  | { type: 'child'; name: string; cidr: string }
  | { type: 'reserved'; gateway: boolean; cidr: string };
