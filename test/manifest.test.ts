import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { App } from '@slack/bolt';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_SCOPES } from '../src/slack/app.js';
import { HELP_CATALOGUE } from '../src/slack/command-help.js';
import type { SlackDeps } from '../src/slack/context.js';
import { SUBCOMMANDS } from '../src/slack/listeners/commands/index.js';
import { registerListeners } from '../src/slack/listeners/index.js';
import {
  manifestProblems,
  type Registrations,
  sourceFiles,
  webApiMethodsCalled,
} from './support/manifest-check.js';

const root = path.resolve(import.meta.dirname, '..');
const manifest = parse(readFileSync(path.join(root, 'manifest.yml'), 'utf8'));

/** Runs the real registerListeners against a recorder that notes what it registers. */
function registrations(): Registrations {
  const seen: Registrations = {
    commands: [],
    subcommands: [],
    events: [],
    shortcuts: [],
    webApiMethods: [],
  };
  const recorder = {
    command: (name: string) => seen.commands.push(name),
    event: (name: string) => seen.events.push(name),
    shortcut: (id: string | { callback_id: string }) =>
      seen.shortcuts.push(typeof id === 'string' ? id : id.callback_id),
    action: () => {},
    view: () => {},
    options: () => {},
    use: () => {},
    error: () => {},
  };
  registerListeners(recorder as unknown as App, {} as SlackDeps);
  seen.subcommands = SUBCOMMANDS.map((s) => s.name);
  seen.webApiMethods = webApiMethodsCalled(path.join(root, 'src'));
  return seen;
}

describe('manifest.yml', () => {
  it("is valid against Slack's published app-manifest schema", () => {
    const version = manifest._metadata?.major_version === 2 ? '2.0.0' : '1.0.0';
    const schema = JSON.parse(
      readFileSync(path.join(root, `../shared/slack/manifest.schema.${version}.json`), 'utf8'),
    );
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const valid = ajv.validate(schema, manifest);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('declares /amos with should_escape so mentions arrive as <@U…|name>', () => {
    const amos = manifest.features.slash_commands.find(
      (c: { command: string }) => c.command === '/amos',
    );
    expect(amos?.should_escape).toBe(true);
  });

  it('declares every command, subcommand, event, shortcut and scope the code uses', () => {
    const code = registrations();
    expect(code.commands).toContain('/amos');
    expect(code.events.length).toBeGreaterThan(0);
    expect(code.webApiMethods.length).toBeGreaterThan(0);
    expect(manifestProblems(manifest, code)).toEqual([]);
  });

  it('names only subcommands that exist in what it tells people to type', () => {
    // Messages about paused engagements are reachable only once stop authority
    // (pause, resume, terminate) lands; every other `/amos <word>` must be a real subcommand.
    const planned = new Set(['pause', 'resume', 'terminate']);
    const known = new Set(SUBCOMMANDS.map((s) => s.name));
    const unknown = new Set<string>();
    for (const file of sourceFiles(path.join(root, 'src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\/amos ([a-z][a-z-]*)/g)) {
        const word = match[1] ?? '';
        if (!known.has(word) && !planned.has(word))
          unknown.add(`${path.relative(root, file)}: /amos ${word}`);
      }
    }
    expect([...unknown]).toEqual([]);
  });

  it('lists every routed subcommand in the help catalogue, in routing order', () => {
    expect(HELP_CATALOGUE.map((c) => c.name)).toEqual(SUBCOMMANDS.map((s) => s.name));
  });

  it('requests the same bot scopes on OAuth install as the manifest declares', () => {
    expect([...BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it('fails when a handler is added without its manifest entry', () => {
    const code = registrations();
    const added: Registrations = {
      ...code,
      commands: [...code.commands, '/amos-extra'],
      subcommands: [...code.subcommands, 'frobnicate'],
      events: [...code.events, 'reaction_added'],
      shortcuts: [...code.shortcuts, 'raise_risk_from_message'],
      webApiMethods: [...code.webApiMethods, 'reactions.add'],
    };
    expect(manifestProblems(manifest, added)).toEqual([
      'subcommand "/amos frobnicate" is handled but missing from its usage_hint',
      'command /amos-extra is handled but not declared in features.slash_commands',
      'event reaction_added has no entry in EVENT_SUBSCRIPTIONS (test/support/manifest-check.ts)',
      'shortcut raise_risk_from_message is handled but not declared in features.shortcuts',
      'Web API method reactions.add has no entry in METHOD_SCOPES (test/support/manifest-check.ts)',
    ]);
  });

  it('fails when the usage hint offers a subcommand nobody handles', () => {
    const command = manifest.features.slash_commands[0];
    const offering = {
      ...manifest,
      features: {
        ...manifest.features,
        slash_commands: [{ ...command, usage_hint: `${command.usage_hint} | snooze reason` }],
      },
    };
    expect(manifestProblems(offering, registrations())).toEqual([
      'usage_hint of /amos offers "snooze", which no handler answers',
    ]);
  });

  it('fails when a called Web API method or a subscribed event lacks its scope', () => {
    const code: Registrations = {
      ...registrations(),
      events: ['member_joined_channel'],
      webApiMethods: ['chat.postMessage'],
    };
    const fewScopes = {
      ...manifest,
      oauth_config: { scopes: { bot: ['commands'] } },
    };
    expect(manifestProblems(fewScopes, code)).toEqual([
      'bot event member_joined_channel needs one of the scopes channels:read, groups:read',
      'Web API method chat.postMessage needs one of the bot scopes chat:write',
    ]);
  });
});
