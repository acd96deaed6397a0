import { type Actor, authorize, type Capability } from '../domain/roles.js';
import { adminMentions, loadActor } from './actor-service.js';
import { check, type ServiceDeps } from './change.js';

/**
 * The acting user for a read (no transaction, nothing written), refused with the domain's
 * polite `no_role` / `forbidden_role` reason unless they hold `capability`.
 */
export async function actorWith(
  deps: ServiceDeps,
  teamId: string,
  userId: string,
  capability: Capability,
  /** The actor the caller already read for this request (App Home reads it once for all). */
  known?: Actor,
): Promise<Actor> {
  const actor =
    known?.userId === userId ? known : await loadActor(deps.db, teamId, userId, deps.admins);
  if (!authorize(actor, capability).ok) {
    check(authorize(actor, capability, await adminMentions(deps.db, teamId, deps.admins)));
  }
  return actor;
}
