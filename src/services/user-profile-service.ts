import { findSlackUsers, upsertSlackUser, usersToRefresh } from '../db/slack-user-repository.js';
import { knownTimeZone } from '../domain/working-hours.js';
import type { ServiceDeps } from './change.js';

// Each recipient's time zone comes from Slack (users.info), cached in the database with the time
// it was read: refreshed when older than PROFILE_MAX_AGE_MS, replaced at once by a user_change
// event, and UTC while unknown.

/** How long a cached time zone is trusted before users.info is asked again. */
export const PROFILE_MAX_AGE_MS = 7 * 24 * 3_600_000;

/** Reads one user's time zone from Slack: users.info's `tz`, or null when Slack has none. */
export type FetchTimeZone = (teamId: string, userId: string) => Promise<string | null>;

/** A user's profile as Slack sent it (users.info or user_change); nothing but the zone is kept. */
export async function rememberUserProfile(
  deps: Pick<ServiceDeps, 'db' | 'clock'>,
  user: { readonly teamId: string; readonly userId: string; readonly timeZone: string | null },
): Promise<void> {
  await upsertSlackUser(deps.db, { ...user, fetchedAt: deps.clock.now() });
}

/** Users' time zones from the cache, UTC for anyone unknown or in a zone the runtime lacks. */
export async function timeZonesOf(
  deps: Pick<ServiceDeps, 'db'>,
  teamId: string,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  const cached = await findSlackUsers(deps.db, teamId, userIds);
  return new Map(userIds.map((id) => [id, knownTimeZone(cached.get(id)?.timeZone)]));
}

/**
 * Before a tick: reads from Slack the zones of the people reminders due within `horizonMs` will
 * go to, when not cached or older than PROFILE_MAX_AGE_MS (at most `limit` per call). A user
 * Slack cannot tell about is cached with no zone (UTC) so they are not asked for every tick.
 */
export async function refreshDueProfiles(
  deps: Pick<ServiceDeps, 'db' | 'clock'>,
  fetch: FetchTimeZone,
  options: { horizonMs?: number; limit?: number } = {},
): Promise<number> {
  const now = deps.clock.now();
  const users = await usersToRefresh(deps.db, {
    horizon: new Date(now.getTime() + (options.horizonMs ?? 3_600_000)),
    staleBefore: new Date(now.getTime() - PROFILE_MAX_AGE_MS),
    limit: options.limit ?? 50,
  });
  for (const user of users) {
    const timeZone = await fetch(user.teamId, user.userId).catch(() => null);
    await rememberUserProfile(deps, { ...user, timeZone });
  }
  return users.length;
}
