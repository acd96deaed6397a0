import type { App } from '@slack/bolt';

/** Counts the requests Bolt is still processing (listeners run on after their ack). */
export interface InFlight {
  /** Resolves when no request is being processed, or after `timeoutMs`, whichever is first. */
  idle(timeoutMs?: number): Promise<void>;
}

/**
 * Wraps the app's processEvent, which every receiver calls once per request before it can
 * ack, so a request is counted from its arrival until its last listener has finished. Used
 * to drain work on shutdown before the database closes, and by tests to wait for quiet.
 */
export function trackInFlight(app: App): InFlight {
  let count = 0;
  let waiters: (() => void)[] = [];
  const original = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    count += 1;
    try {
      return await original(event);
    } finally {
      count -= 1;
      if (count === 0) {
        const done = waiters;
        waiters = [];
        for (const resolve of done) resolve();
      }
    }
  };
  return {
    idle(timeoutMs = 10_000) {
      if (count === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
