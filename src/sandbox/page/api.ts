/** The page's calls to the sandbox server, and the live feed that says when to read again. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Snapshot } from '../server/snapshot.js';

export type { ConversationView, MessageView, Snapshot } from '../server/snapshot.js';

export type Obj = Record<string, unknown>;
export type StateValues = Record<string, Record<string, Obj>>;

export interface Outcome {
  ok: boolean;
  error?: string;
  errors?: Record<string, string>;
}

async function post(path: string, body: unknown): Promise<Outcome> {
  try {
    const res = await fetch(`/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Outcome;
  } catch (error) {
    return { ok: false, error: `The sandbox did not answer (${String(error)})` };
  }
}

export type ActionTarget =
  | { kind: 'message'; channelId: string; ts: string; ephemeral?: boolean }
  | { kind: 'view'; viewId: string };

export const api = {
  command: (user: string, channel: string, text: string) =>
    post('command', { user, channel, text }),
  message: (user: string, channel: string, text: string) =>
    post('message', { user, channel, text }),
  action: (user: string, target: ActionTarget, element: Obj, state?: StateValues) =>
    post('action', { user, target, element, state }),
  submit: (user: string, viewId: string, values: StateValues) =>
    post('submit', { user, viewId, values }),
  close: (user: string, viewId: string) => post('close', { user, viewId }),
  home: (user: string) => post('home', { user }),
  invite: (user: string, channel: string, users: string[]) =>
    post('invite', { user, channel, users }),
};

/**
 * The person's snapshot, read again whenever the server's live feed (Server-Sent Events) says
 * something changed. Reads never overlap: a change during a read causes one more read.
 */
export function useSnapshot(user: string): Snapshot | undefined {
  const [snapshot, setSnapshot] = useState<Snapshot>();
  const reading = useRef({ busy: false, again: false });
  useEffect(() => {
    let alive = true;
    const read = async () => {
      if (reading.current.busy) {
        reading.current.again = true;
        return;
      }
      reading.current.busy = true;
      try {
        do {
          reading.current.again = false;
          const res = await fetch(`/api/state?user=${encodeURIComponent(user)}`);
          if (res.ok && alive) setSnapshot((await res.json()) as Snapshot);
        } while (reading.current.again && alive);
      } catch {
        // the feed reconnects and triggers another read
      } finally {
        reading.current.busy = false;
      }
    };
    const live = new EventSource('/api/live');
    live.addEventListener('change', () => void read());
    live.addEventListener('reload', () => window.location.reload());
    void read();
    return () => {
      alive = false;
      live.close();
    };
  }, [user]);
  return snapshot?.me === user ? snapshot : undefined;
}
