import { CreatorAct, Rename, Subject, errors } from '../errors';
import { ActingFor, MayAdopt } from '../model/api';
import { checkOwner } from '../model/validate';

/**
 * Creators: a pool, a slice or an allocation remembers who made it (a Pulumi stack, a CLI user,
 * a service token). The owner key already keeps two stacks' claims apart; creators keep apart
 * what is named by the user instead (a pool name, a slice name, a client id), which two stacks
 * can declare alike without knowing of each other.
 *
 * Only requests that say who they are for are held to it (the Pulumi provider always does);
 * the `ipam` command and scripts say nothing and act as operators. Records made before
 * creators were recorded have none and bind nobody.
 */
export type { CreatorAct };

/** The creator to record on something new: who the request is for, else who sent it. */
export function creatorFor(request: ActingFor, actor: string): string {
  return request.creator === undefined ? actor : checkCreator(request.creator);
}

function checkCreator(value: unknown): string {
  return checkOwner(value, 'creator');
}

/**
 * Refuses `act` on `subject` (e.g. a pool of a space) when it belongs to another creator;
 * `rename` is the way out that needs no sharing (another clientId). Adopting (a create or
 * allocate that finds it already there) is allowed when the request opts in; changing,
 * releasing and deleting stay with the creator.
 */
export function assertCreator(holder: { creator?: string }, request: MayAdopt, act: CreatorAct, subject: Subject, rename?: Rename): void {
  if (request.creator === undefined || holder.creator === undefined) return;
  if (checkCreator(request.creator) === holder.creator) return;
  if (act === 'adopt' && request.adopt === true) return;
  throw errors.CREATOR_MISMATCH({ subject, creator: holder.creator, requester: request.creator, act, rename });
}
