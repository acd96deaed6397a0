/** The surfaces Block Kit appears on: messages, modals (a stack) and App Home. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type MessageView, type Obj, type Outcome, type StateValues } from './api.js';
import { type BlockHandlers, Blocks } from './blocks.js';
import { useDirectory } from './directory.js';
import { type Element, initialValue } from './elements.js';
import { Mrkdwn, Text, type TextObject } from './rich-text.js';

type Report = (outcome: Outcome) => void;

/** The state of a view's input blocks: what was typed, over the blocks' initial values. */
function useViewState(blocks: unknown[]) {
  const [typed, setTyped] = useState<StateValues>({});
  const values = useMemo(() => {
    const out: StateValues = {};
    for (const block of blocks as Obj[]) {
      const blockId = typeof block.block_id === 'string' ? block.block_id : '';
      const elements =
        block.type === 'input'
          ? [block.element as Element]
          : block.type === 'actions'
            ? ((block.elements as Element[]) ?? [])
            : block.type === 'section' && block.accessory
              ? [block.accessory as Element]
              : [];
      for (const element of elements) {
        const actionId = element?.action_id;
        if (!blockId || !actionId) continue;
        const value = typed[blockId]?.[actionId] ?? initialValue(element);
        if (value) out[blockId] = { ...out[blockId], [actionId]: value };
      }
    }
    return out;
  }, [blocks, typed]);
  const setValue = (blockId: string, actionId: string, value: Obj) =>
    setTyped((t) => ({ ...t, [blockId]: { ...t[blockId], [actionId]: value } }));
  return { values, setValue };
}

export function Message({
  message,
  channelId,
  report,
}: {
  message: MessageView;
  channelId: string;
  report: Report;
}) {
  const directory = useDirectory();
  const author = message.ephemeral
    ? 'AMOS'
    : message.fromBot
      ? 'AMOS'
      : (directory.personName(message.user) ?? message.user);
  const handlers: BlockHandlers = {
    values: {},
    onValue: () => {},
    onAction: (blockId, element, fields) => {
      void api
        .action(
          directory.me,
          { kind: 'message', channelId, ts: message.ts, ephemeral: message.ephemeral },
          { ...fields, action_id: element.action_id ?? '', block_id: blockId },
        )
        .then(report);
    },
  };
  return (
    <article
      class={`message${message.ephemeral ? ' ephemeral' : ''}${message.thread_ts ? ' reply' : ''}`}
      data-ts={message.ts}
    >
      <div class="avatar" aria-hidden="true">
        {message.fromBot ? 'A' : author.slice(0, 1)}
      </div>
      <div class="message-body">
        <div class="message-meta">
          <b>{author}</b>
          {message.fromBot ? <span class="badge">APP</span> : null}
          <time class="time" dateTime={new Date(message.at).toISOString()}>
            {clock(message.at, directory.tz)}
          </time>
          {message.pinned ? <span class="pin">Pinned</span> : null}
          {message.edited ? <span class="edited">(edited)</span> : null}
          {message.ephemeral ? <span class="only-you">Only visible to you</span> : null}
        </div>
        {message.blocks && message.blocks.length > 0 ? (
          <Blocks blocks={message.blocks} handlers={handlers} />
        ) : (
          <div class="bk-text">
            <Mrkdwn text={message.text} />
          </div>
        )}
        {message.files.map((f) => (
          <a key={f.id} class="file" href={f.url} download={f.name}>
            {f.title}
          </a>
        ))}
      </div>
    </article>
  );
}

export function Modal({ view, depth, report }: { view: Obj; depth: number; report: Report }) {
  const directory = useDirectory();
  const viewId = String(view.id);
  const blocks = (view.blocks as unknown[]) ?? [];
  const { values, setValue } = useViewState(blocks);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // As in Slack, the first field with an error is brought into view.
  useEffect(() => {
    form.current?.querySelector('.has-error')?.scrollIntoView({ block: 'center' });
  }, [errors]);
  const handlers: BlockHandlers = {
    values,
    errors,
    onValue: setValue,
    onAction: (blockId, element, fields) => {
      void api
        .action(
          directory.me,
          { kind: 'view', viewId },
          { ...fields, action_id: element.action_id ?? '', block_id: blockId },
          values,
        )
        .then(report);
    },
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const outcome = await api.submit(directory.me, viewId, values);
    setBusy(false);
    setErrors(outcome.errors ?? {});
    if (!outcome.errors) report(outcome);
  };
  const close = () => void api.close(directory.me, viewId).then(report);
  const title = (view.title as TextObject | undefined)?.text ?? '';
  return (
    <div class="overlay" style={{ zIndex: 10 + depth }}>
      <form class="modal" role="dialog" aria-label={title} onSubmit={submit} ref={form}>
        <header class="modal-header">
          <h2>{title}</h2>
          <button type="button" class="close" aria-label="Close" onClick={close}>
            ×
          </button>
        </header>
        <div class="modal-body">
          <Blocks blocks={blocks} handlers={handlers} />
        </div>
        <footer class="modal-footer">
          <button type="button" class="bk-button" onClick={close}>
            <Text text={(view.close as TextObject) ?? { type: 'plain_text', text: 'Cancel' }} />
          </button>
          {view.submit ? (
            <button type="submit" class="bk-button bk-primary" disabled={busy}>
              <Text text={view.submit as TextObject} />
            </button>
          ) : null}
        </footer>
      </form>
    </div>
  );
}

export function Home({ view, report }: { view: Obj | null; report: Report }) {
  const directory = useDirectory();
  const blocks = (view?.blocks as unknown[]) ?? [];
  const { values, setValue } = useViewState(blocks);
  if (!view) return <p class="empty">Opening App Home…</p>;
  const viewId = String(view.id);
  const handlers: BlockHandlers = {
    values,
    onValue: setValue,
    onAction: (blockId, element, fields) => {
      void api
        .action(
          directory.me,
          { kind: 'view', viewId },
          { ...fields, action_id: element.action_id ?? '', block_id: blockId },
          values,
        )
        .then(report);
    },
  };
  return (
    <div class="home">
      <Blocks blocks={blocks} handlers={handlers} />
    </div>
  );
}

/** A message's time as the reader sees it, in their own time zone (as Slack shows it). */
function clock(at: number, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
    }).format(at);
  } catch {
    return new Date(at).toISOString().slice(11, 16);
  }
}
