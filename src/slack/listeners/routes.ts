import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';

/** What the button and modal handlers register on: Bolt's `action` and `view`. */
export type ListenerRoutes = Pick<App, 'action' | 'view'>;

type Listener = Middleware<AnyMiddlewareArgs>;

/**
 * Bolt runs every request through every listener's middleware chain (App.processEvent copies
 * the listener arguments at each step of each chain), so with one Bolt listener per button and
 * per modal (25 of them) every request, `/amos help` included, paid for 25 chains that did not
 * match: a fifth of the app's CPU on `/amos help` (bench/FINDINGS.md, "Phase 4: listener
 * routing"). The handlers register here instead, by their action_id or callback_id, and one
 * Bolt listener per kind (block action, view submission) looks the handler up in a map.
 * An id registered twice, or registered with anything but one handler, is a programming error
 * and fails at start.
 */
export function routeListeners(app: App): ListenerRoutes & { mount(): void } {
  const actions = new Map<string, Listener>();
  const views = new Map<string, Listener>();
  const add = (kind: string, map: Map<string, Listener>, id: unknown, listeners: unknown[]) => {
    if (typeof id !== 'string' || listeners.length !== 1 || typeof listeners[0] !== 'function') {
      throw new Error(`a routed ${kind} takes one id string and one handler`);
    }
    if (map.has(id)) throw new Error(`${kind} ${id} is registered twice`);
    map.set(id, listeners[0] as Listener);
  };
  const dispatch =
    (map: Map<string, Listener>, idOf: (args: AnyMiddlewareArgs) => unknown): Listener =>
    async (args) => {
      const id = idOf(args);
      const listener = typeof id === 'string' ? map.get(id) : undefined;
      // An id no handler has stays unanswered, as it was when no Bolt listener matched it.
      if (listener) await listener(args);
    };
  return {
    action: ((id: unknown, ...listeners: unknown[]) =>
      add('action', actions, id, listeners)) as App['action'],
    view: ((id: unknown, ...listeners: unknown[]) =>
      add('view', views, id, listeners)) as App['view'],
    mount() {
      if (actions.size > 0) {
        app.action(
          /^/,
          dispatch(actions, (args) => (args.payload as { action_id?: unknown }).action_id),
        );
      }
      if (views.size > 0) {
        app.view(
          /^/,
          dispatch(
            views,
            (args) => (args.body as { view?: { callback_id?: unknown } }).view?.callback_id,
          ),
        );
      }
    },
  };
}
