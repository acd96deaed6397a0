import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Bot scopes that let the app call a Web API method (any one of them suffices). */
export const METHOD_SCOPES: Record<string, readonly string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.delete': ['chat:write'],
  'conversations.open': ['im:write'],
  'conversations.create': ['groups:write', 'channels:manage'],
  'conversations.invite': ['groups:write', 'channels:manage'],
  'conversations.kick': ['groups:write', 'channels:manage'],
  'conversations.archive': ['groups:write', 'channels:manage'],
  'conversations.join': ['channels:join'],
  'conversations.info': ['channels:read', 'groups:read'],
  'conversations.members': ['channels:read', 'groups:read'],
  'conversations.list': ['channels:read', 'groups:read'],
  'conversations.history': ['channels:history', 'groups:history', 'im:history'],
  'pins.add': ['pins:write'],
  'users.info': ['users:read'],
  'views.open': [],
  'views.push': [],
  'views.update': [],
  'views.publish': [],
  'files.uploadV2': ['files:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
};

/** Bot events a Bolt listener name needs subscribed (any one), and the scope each needs. */
export const EVENT_SUBSCRIPTIONS: Record<string, readonly string[]> = {
  app_home_opened: ['app_home_opened'],
  member_joined_channel: ['member_joined_channel'],
  message: ['message.channels', 'message.groups', 'message.im'],
  user_change: ['user_change'],
};
export const EVENT_SCOPES: Record<string, readonly string[]> = {
  app_home_opened: [],
  member_joined_channel: ['channels:read', 'groups:read'],
  'message.channels': ['channels:history'],
  'message.groups': ['groups:history'],
  'message.im': ['im:history'],
  user_change: ['users:read'],
};

export interface Registrations {
  commands: string[];
  subcommands: string[];
  events: string[];
  shortcuts: string[];
  webApiMethods: string[];
}

interface Manifest {
  features?: {
    slash_commands?: { command: string; usage_hint?: string; should_escape?: boolean }[];
    shortcuts?: { callback_id: string }[];
  };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    event_subscriptions?: { bot_events?: string[] };
    interactivity?: { is_enabled?: boolean };
  };
}

/** Every way the manifest fails to declare what the code registers or calls; empty when consistent. */
export function manifestProblems(manifest: Manifest, code: Registrations): string[] {
  const problems: string[] = [];
  const commands = manifest.features?.slash_commands ?? [];
  const scopes = new Set(manifest.oauth_config?.scopes?.bot ?? []);
  const botEvents = new Set(manifest.settings?.event_subscriptions?.bot_events ?? []);
  for (const name of code.commands) {
    const declared = commands.find((c) => c.command === name);
    if (!declared) {
      problems.push(`command ${name} is handled but not declared in features.slash_commands`);
      continue;
    }
    if (!scopes.has('commands')) problems.push(`command ${name} needs the "commands" bot scope`);
    const hint = ` ${declared.usage_hint ?? ''} `;
    // The hint is what Slack's autocomplete shows: it must not offer what is not handled.
    for (const offered of (declared.usage_hint ?? '')
      .split('|')
      .map((part) => part.trim().split(/\s+/)[0])) {
      if (offered && !code.subcommands.includes(offered)) {
        problems.push(`usage_hint of ${name} offers "${offered}", which no handler answers`);
      }
    }
    for (const sub of code.subcommands) {
      if (!new RegExp(`[\\s|]${sub}[\\s|\\[]`).test(hint)) {
        problems.push(`subcommand "${name} ${sub}" is handled but missing from its usage_hint`);
      }
    }
  }
  for (const event of code.events) {
    const needed = EVENT_SUBSCRIPTIONS[event];
    if (!needed) {
      problems.push(
        `event ${event} has no entry in EVENT_SUBSCRIPTIONS (test/support/manifest-check.ts)`,
      );
      continue;
    }
    const subscribed = needed.filter((e) => botEvents.has(e));
    if (subscribed.length === 0)
      problems.push(
        `event ${event} is listened to but none of ${needed.join(', ')} is in bot_events`,
      );
    for (const e of subscribed) {
      const want = EVENT_SCOPES[e] ?? [];
      if (want.length > 0 && !want.some((s) => scopes.has(s))) {
        problems.push(`bot event ${e} needs one of the scopes ${want.join(', ')}`);
      }
    }
  }
  const shortcuts = new Set((manifest.features?.shortcuts ?? []).map((s) => s.callback_id));
  for (const id of code.shortcuts) {
    if (!shortcuts.has(id))
      problems.push(`shortcut ${id} is handled but not declared in features.shortcuts`);
  }
  if (
    (code.shortcuts.length > 0 || code.subcommands.length > 0) &&
    !manifest.settings?.interactivity?.is_enabled
  ) {
    problems.push('interactivity must be enabled for buttons, modals and shortcuts');
  }
  for (const method of code.webApiMethods) {
    const want = METHOD_SCOPES[method];
    if (!want) {
      problems.push(
        `Web API method ${method} has no entry in METHOD_SCOPES (test/support/manifest-check.ts)`,
      );
    } else if (want.length > 0 && !want.some((s) => scopes.has(s))) {
      problems.push(`Web API method ${method} needs one of the bot scopes ${want.join(', ')}`);
    }
  }
  return problems;
}

/** Every .ts file under `dir`, the local Slack stand-in excluded. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === 'sandbox' ? [] : sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** Web API methods the app's source calls through a WebClient (`client.chat.postMessage(`). */
export function webApiMethodsCalled(srcDir: string): string[] {
  const found = new Set<string>();
  const pattern =
    /\bclient\.(auth|chat|conversations|pins|users|views|files|reactions)\.([a-zA-Z]+)\(/g;
  for (const file of sourceFiles(srcDir)) {
    for (const match of readFileSync(file, 'utf8').matchAll(pattern))
      found.add(`${match[1]}.${match[2]}`);
  }
  return [...found].sort();
}
