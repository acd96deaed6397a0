/** What the workers can see of the requests this process is answering. */
export interface RequestActivity {
  /** A request is being processed here (from its arrival until its last listener is done). */
  busy(): boolean;
  /** Resolves when no request is being processed, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void>;
}

/** One fetch loop's yielding: since when it has been waiting on requests without a pause. */
export interface YieldState {
  since?: number;
}

/**
 * Work after the ack gives way to the requests this process is answering: before a queue's
 * loop fetches, it waits while a request is in flight, and fetches at the first moment none is.
 * So a burst of decisions gets the CPU and the database first, and their DMs, copies and App
 * Homes follow in the gaps between requests or as soon as the burst stops. A loop that has
 * found requests in flight without a single gap for `yieldMs` stops waiting until it next finds
 * a gap, so jobs are never held back longer than that. An urgent queue (removing a partner
 * from a gated channel) never waits; `yieldMs` 0 turns this off.
 */
export async function yieldToRequests(
  requests: RequestActivity | undefined,
  state: YieldState,
  options: { yieldMs: number; urgent?: boolean; nowMs?: () => number },
): Promise<void> {
  if (!requests || options.urgent || options.yieldMs <= 0) return;
  const now = options.nowMs ?? Date.now;
  if (!requests.busy()) {
    state.since = undefined;
    return;
  }
  state.since ??= now();
  const left = state.since + options.yieldMs - now();
  if (left <= 0) return;
  await requests.idle(left);
  if (!requests.busy()) state.since = undefined;
}
