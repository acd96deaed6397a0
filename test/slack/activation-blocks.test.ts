import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../src/sandbox/block-kit-limits.js';
import {
  activationReply,
  charterAckMessage,
  charterMessage,
  packSections,
  requirementsMessage,
} from '../../src/slack/blocks/activation.js';
import {
  partnerCommandRefusal,
  partnerMessageNotice,
  partnerWarnedNotice,
} from '../../src/slack/blocks/gating.js';
import { explainSlackError, slackErrorNotice } from '../../src/slack/blocks/slack-error.js';
import { ACTIVATION } from '../../src/slack/ids.js';

const longText = (n: number) => 'x'.repeat(n);

describe('activation messages stay within Block Kit limits', () => {
  it('packs many long scope items into at most 40 sections of at most 3000 characters', () => {
    const message = requirementsMessage({
      slug: 'acme-q3',
      name: 'Acme Q3',
      client: 'Acme',
      partnerName: 'Northwind',
      requirementsRef: 'EX-1',
      scopeItems: Array.from({ length: 120 }, (_, i) => ({
        ref: `SC-${i + 1}`,
        title: `Item ${i + 1} ${longText(200)}`,
        dueDate: '2026-12-15',
        criteria: [longText(900), longText(900), 'Open rate above 35%'],
      })),
      stages: Array.from({ length: 80 }, (_, i) => ({
        ref: `SR-${i + 1}`,
        name: longText(60),
        dueDate: '2026-12-01',
      })),
    });
    expect(checkMessage(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks)).toContain('…and more');
    expect(message.text).toContain('(EX-1)');
  });

  it('keeps a short plan in order: scope with criteria and due dates, then checkpoints', () => {
    const message = requirementsMessage({
      slug: 'acme-q3',
      name: 'Acme Q3',
      client: 'Acme',
      partnerName: 'Northwind',
      scopeItems: [{ ref: 'SC-1', title: 'Emails', dueDate: '2026-12-15', criteria: ['A', ' '] }],
      stages: [{ ref: 'SR-1', name: 'Mid-point', dueDate: '2026-12-01' }],
    });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('*SC-1 · Emails*  (due 2026-12-15)\\nAcceptance criteria:\\n• A"');
    expect(text.indexOf('SC-1')).toBeLessThan(text.indexOf('SR-1'));
  });

  it('packSections never splits an entry and never exceeds the limit', () => {
    const packed = packSections([longText(1500), longText(1400), longText(200), longText(5000)]);
    expect(packed.map((s) => s.length)).toEqual([2902, 200, 3000]);
  });

  it('renders the charter with its four parts, and the acknowledgement progress', () => {
    const charter = charterMessage('acme-q3', 'Northwind');
    expect(checkMessage(charter)).toEqual([]);
    const members = Array.from({ length: 60 }, (_, i) => `U0MEMBER${i}`);
    const ack = charterAckMessage({
      engagementId: '6f1c1f2e-1111-4222-8333-944444444444',
      slug: 'acme-q3',
      memberIds: members,
      acks: members.slice(0, 30).map((userId) => ({ userId, ackedAt: new Date('2026-11-25') })),
    });
    expect(checkMessage(ack)).toEqual([]);
    const text = JSON.stringify(ack.blocks);
    expect(text).toContain(ACTIVATION.charterAckAction);
    expect(text).toContain('<@U0MEMBER0> (2026-11-25)');
    expect(text).toContain('*Waiting for:* <@U0MEMBER30>');
    const done = charterAckMessage({
      engagementId: 'e',
      slug: 'acme-q3',
      memberIds: ['U1'],
      acks: [{ userId: 'U1', ackedAt: new Date('2026-11-25') }],
    });
    expect(JSON.stringify(done.blocks)).toContain('Every partner member has acknowledged.');
  });

  it('summarises activation with and without problems', () => {
    const base = { slug: 'acme-q3', partnerName: 'Northwind', channelId: 'C1', memberIds: ['U1'] };
    expect(activationReply({ ...base, problems: [] })).toContain(
      "*ACME-Q3 is active.* Northwind's members",
    );
    expect(activationReply({ ...base, memberIds: [], problems: [] })).toContain('/amos partner');
    expect(activationReply({ ...base, problems: ['a', 'b'] })).toContain('refused 2 steps');
  });
});

describe('Slack error notices', () => {
  it('explain each error the brief names, and cap a long list of failures', () => {
    for (const code of [
      'not_in_channel',
      'cant_invite',
      'user_not_found',
      'restricted_action',
      'missing_scope',
      'channel_not_found',
      'is_archived',
      'cant_kick_self',
    ]) {
      expect(explainSlackError(code, 'C1'), code).not.toContain('Slack answered');
    }
    expect(explainSlackError('weird_error')).toContain('`weird_error`');
    const steps = Array.from({ length: 70 }, (_, i) => ({
      method: 'conversations.invite',
      error: 'cant_invite',
      attempted: `invite <@U${i}> to <#C1>`,
      manualFix: longText(2000),
      channelId: 'C1',
    }));
    const notice = slackErrorNotice('acme-q3', steps, { notDone: ['a'], retryValue: '{}' });
    expect(checkMessage(notice)).toEqual([]);
    expect(notice.text).toContain('(and 69 more)');
  });

  it('gating notices name the engagement and carry the reason', () => {
    const reason = 'ACME-Q3 is in *paused*: partner work is frozen until an executive resumes it.';
    for (const text of [
      partnerWarnedNotice('acme-q3', reason),
      partnerMessageNotice('acme-q3', reason),
      partnerCommandRefusal('deliver', reason),
    ]) {
      expect(text).toContain(reason);
    }
    expect(partnerCommandRefusal('deliver', reason)).toContain('`/amos deliver`');
  });
});
