/** The sandbox page: who you are, your conversations and App Home, a composer, and modals. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type ConversationView, type Outcome, type Snapshot, useSnapshot } from './api.js';
import { DirectoryContext, directoryOf } from './directory.js';
import { Home, Message, Modal } from './surfaces.js';

const HOME = 'home';

function initialPerson(): string {
  const fromUrl = new URLSearchParams(window.location.search).get('as');
  return fromUrl ?? window.localStorage.getItem('amos-sandbox-person') ?? 'U0ADMIN';
}

export function App() {
  const [me, setMe] = useState(initialPerson);
  const [open, setOpen] = useState<string>('C0GENERAL');
  const [problem, setProblem] = useState<string>();
  const snapshot = useSnapshot(me);
  const directory = useMemo(() => (snapshot ? directoryOf(snapshot) : undefined), [snapshot]);
  const report = (outcome: Outcome) => setProblem(outcome.ok ? undefined : outcome.error);

  const choose = (id: string) => {
    setMe(id);
    setOpen('C0GENERAL');
    setProblem(undefined);
    window.localStorage.setItem('amos-sandbox-person', id);
    const url = new URL(window.location.href);
    url.searchParams.set('as', id);
    window.history.replaceState(null, '', url);
  };

  useEffect(() => {
    if (open === HOME) void api.home(me).then(report);
  }, [open, me]);

  if (!snapshot || !directory) return <p class="empty">Connecting to the sandbox…</p>;
  const conversation = snapshot.conversations.find((c) => c.id === open);
  const person = snapshot.people.find((p) => p.id === me);
  return (
    <DirectoryContext.Provider value={directory}>
      <div class="shell">
        <header class="topbar">
          <strong>{snapshot.team.name}</strong>
          <span class="sandbox-tag">local sandbox: no Slack needed</span>
          <label class="who">
            You are{' '}
            <select
              aria-label="You are"
              value={me}
              onChange={(e) => choose((e.currentTarget as HTMLSelectElement).value)}
            >
              {snapshot.people
                .filter((p) => !p.isBot)
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.realName} ({p.role}, {p.tz})
                  </option>
                ))}
            </select>
          </label>
        </header>
        <nav class="sidebar" aria-label="Conversations">
          <button type="button" class={open === HOME ? 'active' : ''} onClick={() => setOpen(HOME)}>
            <Icon kind="home" /> AMOS Home
          </button>
          <h4>Channels</h4>
          {snapshot.conversations
            .filter((c) => c.kind === 'channel')
            .map((c) => (
              <button
                type="button"
                key={c.id}
                class={open === c.id ? 'active' : ''}
                onClick={() => setOpen(c.id)}
              >
                <Icon kind={c.isPrivate ? 'lock' : 'hash'} /> {c.name}
              </button>
            ))}
          <h4>Direct messages</h4>
          {snapshot.conversations
            .filter((c) => c.kind !== 'channel')
            .map((c) => (
              <button
                type="button"
                key={c.id}
                class={open === c.id ? 'active' : ''}
                onClick={() => setOpen(c.id)}
              >
                <Icon kind="app" /> AMOS
              </button>
            ))}
        </nav>
        <main class="main">
          {snapshot.notices.map((n) => (
            <div key={n.id} class="notice" role="status">
              {n.text}
            </div>
          ))}
          {problem ? (
            <div class="problem" role="alert">
              {problem}
              <button type="button" onClick={() => setProblem(undefined)} aria-label="Dismiss">
                ×
              </button>
            </div>
          ) : null}
          {open === HOME ? (
            <>
              <h2 class="pane-title">
                <Icon kind="home" /> AMOS Home
              </h2>
              <Home key={me} view={snapshot.home} report={report} />
            </>
          ) : conversation ? (
            <ConversationPane
              key={`${me}/${conversation.id}`}
              snapshot={snapshot}
              conversation={conversation}
              report={report}
            />
          ) : (
            <p class="empty">
              You are not in this channel{person ? `, ${person.realName}` : ''}. Pick another on the
              left.
            </p>
          )}
        </main>
      </div>
      {snapshot.modals.map((view, i) => (
        <Modal key={String(view.id)} view={view} depth={i} report={report} />
      ))}
    </DirectoryContext.Provider>
  );
}

function ConversationPane({
  snapshot,
  conversation,
  report,
}: {
  snapshot: Snapshot;
  conversation: ConversationView;
  report: (o: Outcome) => void;
}) {
  const list = useRef<HTMLDivElement>(null);
  const count = conversation.messages.length;
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [count]);
  const title = conversation.kind === 'channel' ? conversation.name : 'AMOS';
  const icon = conversation.kind !== 'channel' ? 'app' : conversation.isPrivate ? 'lock' : 'hash';
  const topLevel = conversation.messages.filter((m) => !m.thread_ts);
  const replies = (ts: string) => conversation.messages.filter((m) => m.thread_ts === ts);
  return (
    <section class="conversation" aria-label={title}>
      <header class="pane-header">
        <h2 class="pane-title">
          <Icon kind={icon} /> {title}
        </h2>
        {conversation.kind === 'channel' ? (
          <>
            <span class="members">{conversation.members.length} members</span>
            <AddPeople snapshot={snapshot} conversation={conversation} report={report} />
          </>
        ) : null}
      </header>
      <div class="messages" ref={list}>
        {topLevel.length === 0 ? <p class="empty">No messages yet.</p> : null}
        {topLevel.map((m) => (
          <div key={`${m.ephemeral ? 'e' : 'm'}${m.ts}`}>
            <Message message={m} channelId={conversation.id} report={report} />
            {replies(m.ts).map((r) => (
              <Message key={r.ts} message={r} channelId={conversation.id} report={report} />
            ))}
          </div>
        ))}
      </div>
      <Composer snapshot={snapshot} conversation={conversation} report={report} />
    </section>
  );
}

function AddPeople({
  snapshot,
  conversation,
  report,
}: {
  snapshot: Snapshot;
  conversation: ConversationView;
  report: (o: Outcome) => void;
}) {
  const outside = snapshot.people.filter((p) => !p.isBot && !conversation.members.includes(p.id));
  const [pick, setPick] = useState('');
  if (outside.length === 0) return null;
  return (
    <form
      class="add-people"
      onSubmit={(e) => {
        e.preventDefault();
        if (pick) void api.invite(snapshot.me, conversation.id, [pick]).then(report);
        setPick('');
      }}
    >
      <select
        aria-label="Add someone to this channel"
        value={pick}
        onChange={(e) => setPick((e.currentTarget as HTMLSelectElement).value)}
      >
        <option value="">Add someone…</option>
        {outside.map((p) => (
          <option key={p.id} value={p.id}>
            {p.realName}
          </option>
        ))}
      </select>
      <button type="submit" class="bk-button" disabled={!pick}>
        Add
      </button>
    </form>
  );
}

function Composer({
  snapshot,
  conversation,
  report,
}: {
  snapshot: Snapshot;
  conversation: ConversationView;
  report: (o: Outcome) => void;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const typed = text.trimStart();
  const slash = typed.startsWith('/');
  const sub = typed.replace(/^\/amos\s*/, '').split(/\s+/)[0] ?? '';
  const hints =
    slash && ('/amos'.startsWith(typed) || typed.startsWith('/amos'))
      ? snapshot.commands.filter((c) => typed.length <= 6 || c.usage.startsWith(sub))
      : [];
  const send = async (e: Event) => {
    e.preventDefault();
    const value = text.trim();
    if (!value || busy) return;
    setBusy(true);
    let outcome: Outcome;
    if (/^\/amos(\s|$)/.test(value)) {
      outcome = await api.command(snapshot.me, conversation.id, value.replace(/^\/amos\s*/, ''));
    } else if (value.startsWith('/')) {
      outcome = { ok: false, error: `${value.split(/\s/)[0]} is not a valid command. Try /amos.` };
    } else {
      outcome = await api.message(snapshot.me, conversation.id, value);
    }
    setBusy(false);
    report(outcome);
    if (outcome.ok) setText('');
  };
  const place = conversation.kind === 'channel' ? `#${conversation.name}` : 'AMOS';
  return (
    <form class="composer" onSubmit={send}>
      {hints.length > 0 ? (
        <ul class="hints" aria-label="Commands">
          {hints.slice(0, 8).map((c) => (
            <li key={c.usage}>
              <button type="button" onClick={() => setText(`/amos ${c.usage.split(' ')[0]} `)}>
                <code>/amos {c.usage}</code> <span>{c.summary}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <input
        aria-label="Message"
        placeholder={`Message ${place} (type /amos for commands)`}
        value={text}
        onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
        autocomplete="off"
      />
      <button type="submit" class="bk-button bk-primary" disabled={busy || !text.trim()}>
        Send
      </button>
    </form>
  );
}

/** Small inline icons (no emoji font is needed). */
function Icon({ kind }: { kind: 'home' | 'hash' | 'lock' | 'app' }) {
  if (kind === 'hash') {
    return (
      <span class="icon" aria-hidden="true">
        #
      </span>
    );
  }
  const paths = {
    home: 'M2 7.5 8 2l6 5.5V14H10v-4H6v4H2z',
    lock: 'M4 7V5a4 4 0 0 1 8 0v2h1v7H3V7zm2 0h4V5a2 2 0 0 0-4 0z',
    app: 'M2 2h12v9H6l-4 3z',
  } as const;
  return (
    <svg class="icon" aria-hidden="true" viewBox="0 0 16 16" width="14" height="14">
      <path d={paths[kind]} fill="currentColor" />
    </svg>
  );
}
