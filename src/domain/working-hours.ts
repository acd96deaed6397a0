import { TZDate } from '@date-fns/tz';
import { addDays, getDay, isWeekend, set } from 'date-fns';

// When a message may reach a person: inside AMOS_WORKING_HOURS on a weekday in their own time
// zone, unless it is critical. All zone arithmetic is date-fns on a TZDate (no offsets by hand),
// so DST changes and zones with half-hour offsets come out right.

/** Local hours in which non-critical messages are sent, or 'off' (any time). */
export type WorkingHours = 'off' | { readonly startMinute: number; readonly endMinute: number };

/** The zone used when a person's is unknown or not a zone the runtime knows. */
export const FALLBACK_TIME_ZONE = 'UTC';

// Which zone names the runtime knows does not change while it runs: checking is costly, so once.
const checkedZones = new Map<string, boolean>();

/** `timeZone` when it is an IANA zone this runtime knows, otherwise UTC. */
export function knownTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return FALLBACK_TIME_ZONE;
  let known = checkedZones.get(timeZone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      known = true;
    } catch {
      known = false;
    }
    checkedZones.set(timeZone, known);
  }
  return known ? timeZone : FALLBACK_TIME_ZONE;
}

function minuteOfDay(local: TZDate): number {
  return local.getHours() * 60 + local.getMinutes();
}

function atMinute(local: TZDate, minute: number): TZDate {
  return set(local, {
    hours: Math.floor(minute / 60),
    minutes: minute % 60,
    seconds: 0,
    milliseconds: 0,
  });
}

/**
 * The first moment at or after `at` that lies inside the working hours of a weekday (Monday to
 * Friday) in `timeZone`; `at` itself when it already does, or when hours are 'off'.
 */
export function nextWorkingMoment(at: Date, timeZone: string, hours: WorkingHours): Date {
  if (hours === 'off') return at;
  const local = new TZDate(at.getTime(), knownTimeZone(timeZone));
  const minute = minuteOfDay(local);
  if (!isWeekend(local)) {
    if (minute >= hours.startMinute && minute < hours.endMinute) return at;
    if (minute < hours.startMinute) return new Date(atMinute(local, hours.startMinute).getTime());
  }
  let day = addDays(local, 1);
  while (isWeekend(day)) day = addDays(day, 1);
  return new Date(atMinute(day, hours.startMinute).getTime());
}

/**
 * When a message due at `due` is sent to a person in `timeZone`: at once when critical,
 * otherwise the next working moment (weekends skipped).
 */
export function deliveryMoment(
  due: Date,
  recipient: { readonly timeZone: string; readonly critical: boolean },
  hours: WorkingHours,
): Date {
  return recipient.critical ? due : nextWorkingMoment(due, recipient.timeZone, hours);
}

/**
 * The first `weekday` (0 Sunday .. 6 Saturday) at `minute` past local midnight in `timeZone`
 * strictly after `now`: the moment of a weekly message such as the executive digest.
 */
export function nextWeeklyMoment(
  now: Date,
  timeZone: string,
  weekly: { readonly weekday: number; readonly minute: number },
): Date {
  const local = new TZDate(now.getTime(), knownTimeZone(timeZone));
  let day = atMinute(local, weekly.minute);
  while (getDay(day) !== weekly.weekday || day.getTime() <= now.getTime()) {
    day = atMinute(addDays(day, 1), weekly.minute);
  }
  return new Date(day.getTime());
}

/**
 * The end of a calendar day (`YYYY-MM-DD`) in `timeZone`: local midnight starting the next day,
 * the moment an item due that day becomes overdue.
 */
export function endOfDueDate(dueDate: string, timeZone: string): Date {
  const [year, month, day] = dueDate.split('-').map(Number) as [number, number, number];
  const start = new TZDate(year, month - 1, day, knownTimeZone(timeZone));
  return new Date(addDays(start, 1).getTime());
}
