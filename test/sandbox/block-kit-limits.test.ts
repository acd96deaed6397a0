import { describe, expect, it } from 'vitest';
import { checkMessage, checkView, LIMITS } from '../../src/sandbox/block-kit-limits.js';

const s = (n: number) => 'x'.repeat(n);
const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const button = (fields: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain('Approve'),
  action_id: 'approve',
  ...fields,
});
const option = (text: string, value = 'v') => ({ text: plain(text), value });
const select = (options: unknown[]) => ({ type: 'static_select', action_id: 'pick', options });
const input = (fields: Record<string, unknown> = {}) => ({
  type: 'input',
  label: plain('Reason'),
  element: { type: 'plain_text_input', action_id: 'reason' },
  ...fields,
});
const modal = (fields: Record<string, unknown> = {}) => ({
  type: 'modal',
  title: plain('Raise a risk'),
  submit: plain('Raise'),
  close: plain('Cancel'),
  blocks: [input()],
  ...fields,
});
const inSection = (accessory: unknown) => [{ ...section('pick one'), accessory }];

/** Each case: a block (or blocks) at the limit, and the same one over it. */
const messageCases: [string, unknown[], unknown[], string][] = [
  ['section text', [section(s(3000))], [section(s(3001))], '/blocks/0/text/text'],
  [
    'section field count',
    [{ type: 'section', fields: Array(10).fill(mrkdwn('f')) }],
    [{ type: 'section', fields: Array(11).fill(mrkdwn('f')) }],
    '/blocks/0/fields',
  ],
  [
    'section field length',
    [{ type: 'section', fields: [mrkdwn(s(2000))] }],
    [{ type: 'section', fields: [mrkdwn(s(2001))] }],
    '/blocks/0/fields/0/text',
  ],
  [
    'header text',
    [{ type: 'header', text: plain(s(150)) }],
    [{ type: 'header', text: plain(s(151)) }],
    '/blocks/0/text/text',
  ],
  [
    'button text',
    [{ type: 'actions', elements: [button({ text: plain(s(75)) })] }],
    [{ type: 'actions', elements: [button({ text: plain(s(76)) })] }],
    '/blocks/0/elements/0/text/text',
  ],
  [
    'button value',
    inSection(button({ value: s(2000) })),
    inSection(button({ value: s(2001) })),
    '/blocks/0/accessory/value',
  ],
  [
    'button url',
    inSection(button({ url: `https://x.test/${s(2985)}` })),
    inSection(button({ url: `https://x.test/${s(2986)}` })),
    '/blocks/0/accessory/url',
  ],
  [
    'action_id',
    inSection(button({ action_id: s(255) })),
    inSection(button({ action_id: s(256) })),
    '/blocks/0/accessory/action_id',
  ],
  [
    'block_id',
    [{ ...section('a'), block_id: s(255) }],
    [{ ...section('a'), block_id: s(256) }],
    '/blocks/0/block_id',
  ],
  [
    'context elements',
    [{ type: 'context', elements: Array(10).fill(mrkdwn('c')) }],
    [{ type: 'context', elements: Array(11).fill(mrkdwn('c')) }],
    '/blocks/0/elements',
  ],
  [
    'actions elements',
    [{ type: 'actions', elements: Array(25).fill(button()) }],
    [{ type: 'actions', elements: Array(26).fill(button()) }],
    '/blocks/0/elements',
  ],
  [
    'option text',
    inSection(select([option(s(75))])),
    inSection(select([option(s(76))])),
    '/blocks/0/accessory/options/0/text/text',
  ],
  [
    'option value',
    inSection(select([option('a', s(150))])),
    inSection(select([option('a', s(151))])),
    '/blocks/0/accessory/options/0/value',
  ],
  [
    'static_select options',
    inSection(select(Array(100).fill(option('a')))),
    inSection(select(Array(101).fill(option('a')))),
    '/blocks/0/accessory/options',
  ],
  [
    'placeholder',
    inSection({ ...select([option('a')]), placeholder: plain(s(150)) }),
    inSection({ ...select([option('a')]), placeholder: plain(s(151)) }),
    '/blocks/0/accessory/placeholder/text',
  ],
];

describe('checkMessage', () => {
  it.each(messageCases)('enforces %s', (_name, atLimit, overLimit, pointer) => {
    expect(checkMessage({ text: 'fallback', blocks: atLimit })).toEqual([]);
    const errors = checkMessage({ text: 'fallback', blocks: overLimit });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`[json-pointer:${pointer}]`);
  });

  it('limits a message to 50 blocks and 40000 characters of text', () => {
    expect(checkMessage({ text: s(40_000), blocks: Array(50).fill(section('a')) })).toEqual([]);
    expect(checkMessage({ text: s(40_001) })).toEqual([
      'must be at most 40000 characters (got 40001) [json-pointer:/text]',
    ]);
    expect(checkMessage({ blocks: Array(51).fill(section('a')) })).toEqual([
      'must have at most 50 items (got 51) [json-pointer:/blocks]',
    ]);
  });

  it('refuses what Slack refuses besides lengths: empty text, mrkdwn headers, duplicate ids', () => {
    const errors = checkMessage({
      blocks: [
        section(''),
        { type: 'header', text: mrkdwn('Title') },
        { type: 'section' },
        { ...section('a'), block_id: 'same' },
        { ...section('b'), block_id: 'same' },
      ],
    });
    expect(errors).toEqual([
      'must be more than 0 characters [json-pointer:/blocks/0/text/text]',
      "must be 'plain_text' [json-pointer:/blocks/1/text/type]",
      'must have text or fields [json-pointer:/blocks/2]',
      "duplicate block_id 'same' [json-pointer:/blocks/4/block_id]",
    ]);
  });

  it('ignores unknown block types and accepts a message without blocks', () => {
    const blocks = [{ type: 'rich_text', elements: Array(100).fill({}) }, { type: 'divider' }];
    expect(checkMessage({ text: 'hi', blocks })).toEqual([]);
    expect(checkMessage({ text: 'hi' })).toEqual([]);
  });
});

describe('checkView', () => {
  it('accepts a modal at its limits and refuses one over them', () => {
    const atLimit = modal({
      title: plain(s(24)),
      submit: plain(s(24)),
      close: plain(s(24)),
      private_metadata: s(3000),
      callback_id: s(255),
      external_id: s(255),
      blocks: Array(100).fill(input()),
    });
    expect(checkView(atLimit)).toEqual([]);
    const over = modal({
      title: plain(s(25)),
      submit: plain(s(25)),
      close: plain(s(25)),
      private_metadata: s(3001),
      callback_id: s(256),
      external_id: s(256),
      blocks: Array(101).fill(input()),
    });
    expect(checkView(over).map((e) => e.split('[json-pointer:')[1])).toEqual([
      '/blocks]',
      '/private_metadata]',
      '/callback_id]',
      '/external_id]',
      '/title/text]',
      '/submit/text]',
      '/close/text]',
    ]);
  });

  it('checks input labels, hints, placeholders and plain_text_input max_length', () => {
    const element = (max: number, placeholder: number) => ({
      type: 'plain_text_input',
      action_id: 'a',
      max_length: max,
      placeholder: plain(s(placeholder)),
    });
    const ok = input({ label: plain(s(2000)), hint: plain(s(2000)), element: element(3000, 150) });
    expect(checkView(modal({ blocks: [ok] }))).toEqual([]);
    const bad = input({ label: plain(s(2001)), hint: plain(s(2001)), element: element(3001, 151) });
    expect(checkView(modal({ blocks: [bad] })).map((e) => e.split('[json-pointer:')[1])).toEqual([
      '/blocks/0/label/text]',
      '/blocks/0/hint/text]',
      '/blocks/0/element/placeholder/text]',
      '/blocks/0/element/max_length]',
    ]);
  });

  it('needs a title, and a submit button when there are inputs', () => {
    const errors = checkView({ type: 'modal', blocks: [input()] });
    expect(errors).toEqual([
      'is required [json-pointer:/title]',
      'is required when the view has input blocks [json-pointer:/submit]',
    ]);
  });

  it('allows App Home 100 blocks without a title', () => {
    expect(checkView({ type: 'home', blocks: Array(100).fill(section('a')) })).toEqual([]);
    expect(checkView({ type: 'home', blocks: Array(101).fill(section('a')) })).toHaveLength(1);
  });

  it('refuses something that is not a view', () => {
    expect(checkView('nope')).toHaveLength(1);
    expect(checkView({ type: 'workflow_step', blocks: [] })).toEqual([
      "must be 'modal' or 'home' [json-pointer:/type]",
    ]);
  });

  it('exposes the limits it enforces', () => {
    expect(LIMITS).toMatchObject({ messageBlocks: 50, viewBlocks: 100, sectionText: 3000 });
  });
});
