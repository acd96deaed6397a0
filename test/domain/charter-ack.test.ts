import { describe, expect, it } from 'vitest';
import { mayAcknowledgeCharter } from '../../src/domain/charter-ack.js';
import { STAGES } from '../../src/domain/engagement.js';

describe('charter acknowledgement', () => {
  it('is open to partner members once activated, until the engagement ends', () => {
    for (const stage of STAGES) {
      const result = mayAcknowledgeCharter(
        { slug: 'acme-q3', stage },
        { isMemberOfEngagementOrg: true },
      );
      expect(result.ok, stage).toBe(stage === 'active' || stage === 'paused');
    }
  });

  it('tells someone outside the partner organisation who can fix it', () => {
    const result = mayAcknowledgeCharter(
      { slug: 'acme-q3', stage: 'active' },
      { isMemberOfEngagementOrg: false },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.refusal.code).toBe('not_partner_member');
    expect(result.refusal.message).toContain('ACME-Q3');
    expect(result.refusal.message).toContain('admin');
  });

  it('names the stage and the next step before activation, and finality after the end', () => {
    const before = mayAcknowledgeCharter(
      { slug: 'acme-q3', stage: 'execution_approved' },
      { isMemberOfEngagementOrg: true },
    );
    expect(before.ok || before.refusal).toMatchObject({ code: 'wrong_stage' });
    expect(before.ok || before.refusal.message).toContain('execution approved');
    expect(before.ok || before.refusal.message).toContain('/amos activate');
    const after = mayAcknowledgeCharter(
      { slug: 'acme-q3', stage: 'terminated' },
      { isMemberOfEngagementOrg: true },
    );
    expect(after.ok || after.refusal.message).toContain('final');
  });
});
