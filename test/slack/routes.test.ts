import type { AnyMiddlewareArgs, App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import type { SlackDeps } from '../../src/slack/context.js';
import { registerListeners } from '../../src/slack/listeners/index.js';
import { routeListeners } from '../../src/slack/listeners/routes.js';

type Registered = { kind: string; constraint: unknown; listeners: unknown[] };

/** A stand-in for Bolt's App that notes each listener registered on it. */
function recorder() {
  const registered: Registered[] = [];
  const note =
    (kind: string) =>
    (constraint: unknown, ...listeners: unknown[]) =>
      registered.push({ kind, constraint, listeners });
  const app = {
    command: note('command'),
    event: note('event'),
    shortcut: note('shortcut'),
    action: note('action'),
    view: note('view'),
    options: note('options'),
    use: () => {},
    error: () => {},
  };
  return { app: app as unknown as App, registered };
}

const call = (listener: unknown, args: Partial<AnyMiddlewareArgs>) =>
  (listener as (a: AnyMiddlewareArgs) => Promise<void>)(args as AnyMiddlewareArgs);

describe('listener routes', () => {
  it('gives Bolt one listener for all buttons and one for all modal submissions', () => {
    const { app, registered } = recorder();
    registerListeners(app, {} as SlackDeps);
    const count = (kind: string) => registered.filter((r) => r.kind === kind).length;
    expect(count('action')).toBe(1);
    expect(count('view')).toBe(1);
    // Every other listener (the command, events, the shortcut) is still Bolt's own.
    expect(count('command')).toBe(1);
    expect(count('event')).toBeGreaterThan(0);
  });

  it('hands a click to the handler of its action_id, and a submission to its callback_id', async () => {
    const { app, registered } = recorder();
    const routes = routeListeners(app);
    const seen: string[] = [];
    routes.action('first', async () => void seen.push('first clicked'));
    routes.action('second', async () => void seen.push('second clicked'));
    routes.view('modal', async () => void seen.push('modal submitted'));
    routes.mount();
    const action = registered.find((r) => r.kind === 'action');
    const view = registered.find((r) => r.kind === 'view');
    await call(action?.listeners[0], { payload: { action_id: 'second' } } as never);
    await call(view?.listeners[0], { body: { view: { callback_id: 'modal' } } } as never);
    await call(action?.listeners[0], { payload: { action_id: 'nobody' } } as never);
    expect(seen).toEqual(['second clicked', 'modal submitted']);
  });

  it('refuses, at start, an id registered twice or without exactly one handler', () => {
    const routes = routeListeners(recorder().app);
    routes.action('once', async () => {});
    expect(() => routes.action('once', async () => {})).toThrow(/registered twice/);
    expect(() => routes.view(/pattern/ as never, async () => {})).toThrow(/one id string/);
  });
});
