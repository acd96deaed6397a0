/** The views.* methods of the fake Slack: modals (open, push, update) and App Home (publish). */
import { checkView } from './block-kit-limits.js';
import {
  asObj,
  type Handler,
  isUserId,
  type MethodContext,
  refuse,
  str,
  withMessages,
} from './fake-slack-methods.js';
import type { FakeView, Obj } from './fake-slack-workspace.js';

/** The submitted view, refused (`invalid_arguments`) when Slack would not accept it. */
function submittedView(ctx: MethodContext, type: 'modal' | 'home', replacing?: FakeView): Obj {
  const view = asObj(ctx.args.view);
  const errors = view ? checkView(view) : ['must be a JSON object [json-pointer:/view]'];
  if (view && view.type !== type) errors.push(`must be '${type}' here [json-pointer:/type]`);
  if (errors.length > 0) {
    ctx.recordViolation(errors, ctx.args.view);
    refuse('invalid_arguments', withMessages(errors));
  }
  const externalId = view?.external_id;
  const clash = (v: FakeView) =>
    v !== replacing && v.teamId === ctx.team.id && v.view.external_id === externalId;
  if (externalId && ctx.ws.views.some(clash)) refuse('duplicate_external_id');
  return view as Obj;
}

/** The view object Slack returns: the submitted fields plus id, state, hash and app ids. */
function builtView(ctx: MethodContext, submitted: Obj, previous?: Obj): Obj {
  const id = typeof previous?.id === 'string' ? previous.id : ctx.ws.newId('V');
  return {
    callback_id: '',
    private_metadata: '',
    external_id: '',
    clear_on_close: false,
    notify_on_close: false,
    ...submitted,
    id,
    team_id: ctx.team.id,
    state: previous?.state ?? { values: {} },
    hash: ctx.ws.newHash(),
    previous_view_id: previous?.previous_view_id ?? null,
    root_view_id: previous?.root_view_id ?? id,
    app_id: ctx.team.appId,
    app_installed_team_id: ctx.team.id,
    bot_id: ctx.team.botId,
  };
}

function checkHash(ctx: MethodContext, record: FakeView | undefined): void {
  const hash = str(ctx.args, 'hash');
  if (hash && record && hash !== record.view.hash) refuse('hash_conflict');
}

/** How long Slack accepts a trigger_id for opening a modal. */
export const TRIGGER_LIFETIME_MS = 3_000;

const openModal =
  (via: 'views.open' | 'views.push'): Handler =>
  (ctx) => {
    const trigger = str(ctx.args, 'trigger_id');
    if (!trigger) refuse('invalid_arguments', withMessages(['no trigger_id']));
    // Slack's trigger ids live 3 seconds. Ids that start with their creation time in
    // milliseconds (as the test driver makes them) are held to that, as Slack would.
    const issuedAt = /^(\d{13})\./.exec(trigger)?.[1];
    if (issuedAt && Date.now() - Number(issuedAt) > TRIGGER_LIFETIME_MS)
      refuse('expired_trigger_id');
    const record: FakeView = {
      teamId: ctx.team.id,
      via,
      view: builtView(ctx, submittedView(ctx, 'modal')),
    };
    ctx.ws.views.push(record);
    return { view: record.view };
  };

/** views.open, views.push, views.update and views.publish, by Web API method name. */
export const viewMethods: Readonly<Record<string, Handler>> = {
  'views.open': openModal('views.open'),
  'views.push': openModal('views.push'),
  'views.update': (ctx) => {
    const viewId = str(ctx.args, 'view_id');
    const externalId = str(ctx.args, 'external_id');
    if (!viewId && !externalId) refuse('invalid_arguments', withMessages(['no view_id']));
    const record =
      ctx.ws.views.find(
        (v) =>
          v.teamId === ctx.team.id &&
          (viewId ? v.view.id === viewId : v.view.external_id === externalId),
      ) ?? refuse('not_found');
    checkHash(ctx, record);
    const type = record.view.type === 'home' ? 'home' : 'modal';
    record.view = builtView(ctx, submittedView(ctx, type, record), record.view);
    return { view: record.view };
  },
  'views.publish': (ctx) => {
    const userId = str(ctx.args, 'user_id');
    if (!userId || !isUserId(ctx, userId)) refuse('user_not_found');
    const record = ctx.ws.views.find((v) => v.teamId === ctx.team.id && v.userId === userId);
    checkHash(ctx, record);
    const view = builtView(ctx, submittedView(ctx, 'home', record), record?.view);
    if (record) record.view = view;
    else ctx.ws.views.push({ teamId: ctx.team.id, userId, via: 'views.publish', view });
    return { view };
  },
};
