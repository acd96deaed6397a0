import { readFileSync } from 'node:fs';

/** The one source of "now" for the app; tests inject a fixed or stepping clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock read from a file holding an ISO time, read again at each `now()`: how a test moves
 * the time of app processes it started (AMOS_CLOCK_FILE). A file that cannot be read or parsed
 * keeps the last time read; it must hold a time when the clock is made.
 */
export function fileClock(path: string): Clock {
  const read = (): Date | undefined => {
    try {
      const at = new Date(readFileSync(path, 'utf8').trim());
      return Number.isNaN(at.getTime()) ? undefined : at;
    } catch {
      return undefined;
    }
  };
  const first = read();
  if (!first) throw new Error(`AMOS_CLOCK_FILE ${path} does not hold an ISO time`);
  let last: Date = first;
  return {
    now() {
      last = read() ?? last;
      return new Date(last.getTime());
    },
  };
}
