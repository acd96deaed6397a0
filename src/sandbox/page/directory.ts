/** Who and what names mean on the page: people and channels from the current snapshot. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Snapshot } from './api.js';

export interface Directory {
  me: string;
  /** The reader's time zone. */
  tz: string;
  people: Snapshot['people'];
  channels: Snapshot['channels'];
  personName(id: string): string | undefined;
  channelName(id: string): string | undefined;
}

export function directoryOf(snapshot: Snapshot): Directory {
  const people = new Map(snapshot.people.map((p) => [p.id, p.realName]));
  const channels = new Map(snapshot.channels.map((c) => [c.id, c.name]));
  for (const c of snapshot.conversations) if (c.kind === 'channel') channels.set(c.id, c.name);
  return {
    me: snapshot.me,
    tz: snapshot.people.find((p) => p.id === snapshot.me)?.tz ?? 'UTC',
    people: snapshot.people,
    channels: snapshot.channels,
    personName: (id) => people.get(id),
    channelName: (id) => channels.get(id),
  };
}

export const DirectoryContext = createContext<Directory>({
  me: '',
  tz: 'UTC',
  people: [],
  channels: [],
  personName: () => undefined,
  channelName: () => undefined,
});

export const useDirectory = () => useContext(DirectoryContext);
