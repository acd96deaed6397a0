import { describe, expect, it } from 'vitest';
import { STAGES } from '../../src/domain/engagement.js';
import {
  channelGate,
  onPartnerJoin,
  onPartnerMessage,
  partnerMayAct,
  reconcileChannel,
} from '../../src/domain/gating.js';

const member = { isMemberOfEngagementOrg: true, acknowledgedCharter: true };

describe('channel gating', () => {
  it('is open only while active', () => {
    for (const stage of STAGES) {
      expect(channelGate(stage), stage).toBe(stage === 'active' ? 'open' : 'closed');
      expect(onPartnerMessage(stage), stage).toBe(stage === 'active' ? 'allow' : 'notice');
    }
  });

  it('removes or warns partners joining a gated channel, per mode', () => {
    for (const stage of STAGES) {
      const open = stage === 'active';
      expect(onPartnerJoin(stage, 'enforce'), stage).toBe(open ? 'allow' : 'remove');
      expect(onPartnerJoin(stage, 'warn'), stage).toBe(open ? 'allow' : 'warn');
    }
  });

  it('removes a partner of another organisation even when open', () => {
    expect(onPartnerJoin('active', 'enforce', false)).toBe('remove');
    expect(onPartnerJoin('active', 'warn', false)).toBe('warn');
  });

  it('reconciles members: only partner users who should not be there', () => {
    const partners = new Map([
      ['U_P1', { isMemberOfEngagementOrg: true }],
      ['U_P2', { isMemberOfEngagementOrg: false }],
    ]);
    const members = ['U_EXEC', 'U_P1', 'U_P2'];
    expect(reconcileChannel('paused', 'enforce', members, partners)).toEqual({
      remove: ['U_P1', 'U_P2'],
      warn: [],
    });
    expect(reconcileChannel('active', 'enforce', members, partners)).toEqual({
      remove: ['U_P2'],
      warn: [],
    });
    expect(reconcileChannel('paused', 'warn', members, partners)).toEqual({
      remove: [],
      warn: ['U_P1', 'U_P2'],
    });
  });
});

describe('partnerMayAct', () => {
  it('allows a member who acknowledged the charter while active', () => {
    expect(partnerMayAct({ slug: 'acme-q3', stage: 'active' }, member).ok).toBe(true);
  });

  it('refuses outside the active stage, naming the stage and what must happen', () => {
    for (const stage of STAGES.filter((s) => s !== 'active')) {
      const result = partnerMayAct({ slug: 'acme-q3', stage }, member);
      expect(result, stage).toMatchObject({ ok: false, refusal: { code: 'wrong_stage' } });
    }
    const paused = partnerMayAct({ slug: 'acme-q3', stage: 'paused' }, member);
    expect(!paused.ok && paused.refusal.message).toBe(
      'ACME-Q3 is in *paused*: partner work is frozen until an executive resumes it.',
    );
    const approved = partnerMayAct({ slug: 'acme-q3', stage: 'execution_approved' }, member);
    expect(!approved.ok && approved.refusal.message).toContain('/amos activate');
  });

  it('refuses a partner of another organisation before anything else', () => {
    const result = partnerMayAct(
      { slug: 'acme-q3', stage: 'paused' },
      { isMemberOfEngagementOrg: false, acknowledgedCharter: false },
    );
    expect(result).toMatchObject({ ok: false, refusal: { code: 'not_partner_member' } });
  });

  it('refuses until the charter is acknowledged', () => {
    const result = partnerMayAct(
      { slug: 'acme-q3', stage: 'active' },
      { isMemberOfEngagementOrg: true, acknowledgedCharter: false },
    );
    expect(result).toMatchObject({ ok: false, refusal: { code: 'not_acknowledged' } });
  });
});

describe('partnerMayAct on a stopped engagement', () => {
  it('names who paused it and why, the reason made inert', async () => {
    const { partnerMayAct } = await import('../../src/domain/gating.js');
    const result = partnerMayAct(
      {
        slug: 'acme-q3',
        stage: 'paused',
        halt: { reason: 'Breach <!channel> & co', byId: 'U0EXEC' },
      },
      { isMemberOfEngagementOrg: true, acknowledgedCharter: true },
    );
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.refusal.message;
    expect(message).toContain('<@U0EXEC> paused it: “Breach &lt;!channel&gt; &amp; co”.');
    expect(message).not.toContain('<!channel>');
  });
});
