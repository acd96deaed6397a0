// Seeds the benchmark's large workspace with bulk SQL (bench only): 1,000 engagements,
// 50,000 decision records, 5,000 open scope items, 2,000 people. The decision records are
// chained with the domain's own hash function (chainNext), so `amos verify-log` accepts them.
import type { Db } from '../src/db/database.js';
import { type ChainedRecord, chainKey, chainNext } from '../src/domain/decision-record.js';
import {
  approvalId,
  COUNTS,
  ESCALATIONS,
  engagementId,
  engagementOperator,
  escalationId,
  escalationReached,
  executive,
  GROUPS,
  orgOfEngagement,
  partnerChannel,
  partnerOrgId,
  partnersOfOrg,
  people,
  REQUIRED_APPROVALS,
  slug,
  TEAM,
} from './workspace.js';

const T0 = new Date('2026-09-01T09:00:00Z').getTime();

async function insertChunks<R>(rows: R[], size: number, insert: (chunk: R[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

function chain(
  teamId: string,
  engagement: string | null,
  inputs: {
    actorId: string;
    actorRole: string;
    kind: string;
    subjectRef: string | null;
    summary: string;
    details: unknown;
  }[],
  start: number,
): ChainedRecord[] {
  const out: ChainedRecord[] = [];
  let last: ChainedRecord | null = null;
  inputs.forEach((input, k) => {
    const details = JSON.parse(JSON.stringify(input.details));
    last = chainNext(last, {
      teamId,
      engagementId: engagement,
      at: new Date(start + k * 60_000),
      ...input,
      details,
    });
    out.push(last);
  });
  return out;
}

const stageOf = (n: number) => (n >= GROUPS.gated.from ? 'execution_approved' : 'outputs_reviewed');
const pendingApproval = (n: number) => n < GROUPS.scope.from;
const withEscalations = (n: number) =>
  n >= ESCALATIONS.group.from && n < ESCALATIONS.group.from + ESCALATIONS.group.count;

export async function seedLargeWorkspace(db: Db): Promise<{ records: number }> {
  const teamId = TEAM.id;
  await db
    .insertInto('workspace')
    .values({
      team_id: teamId,
      team_name: TEAM.name,
      bot_user_id: TEAM.botUserId,
      bot_id: TEAM.botId,
    })
    .execute();

  const everyone = people();
  const granted = everyone.filter((p) => p.role !== null);
  await insertChunks(granted, 1000, (chunk) =>
    db
      .insertInto('role_grant')
      .values(
        chunk.map((p) => ({
          team_id: teamId,
          user_id: p.id,
          role: p.role as 'admin',
          granted_by: 'UADM0000',
          granted_at: new Date(T0),
        })),
      )
      .execute(),
  );

  const orgs = Array.from({ length: COUNTS.partnerOrgs }, (_, k) => k);
  await db
    .insertInto('partner_org')
    .values(
      orgs.map((k) => ({
        team_id: teamId,
        id: partnerOrgId(k),
        name: `Agency ${k}`,
        created_by: 'UADM0000',
      })),
    )
    .execute();
  await insertChunks(
    orgs.flatMap((k) => partnersOfOrg(k).map((user) => ({ k, user }))),
    1000,
    (chunk) =>
      db
        .insertInto('partner_member')
        .values(
          chunk.map(({ k, user }) => ({
            team_id: teamId,
            partner_org_id: partnerOrgId(k),
            user_id: user,
            added_by: 'UADM0000',
          })),
        )
        .execute(),
  );
  await db
    .insertInto('fit_assessment')
    .values(
      orgs.map((k) => ({
        team_id: teamId,
        partner_org_id: partnerOrgId(k),
        version: 1,
        answers: JSON.stringify({}),
        verdict: 'fit' as const,
        summary: 'Fit on every criterion.',
        assessed_by: 'UADM0000',
        assessed_at: new Date(T0),
      })),
    )
    .execute();

  const ns = Array.from({ length: COUNTS.engagements }, (_, n) => n);
  const created = new Date(T0);
  await insertChunks(ns, 500, (chunk) =>
    db
      .insertInto('engagement')
      .values(
        chunk.map((n) => {
          const gated = n >= GROUPS.gated.from;
          return {
            team_id: teamId,
            id: engagementId(n),
            slug: slug(n),
            name: `Engagement ${n}`,
            client: `Client ${n % 97}`,
            stage: stageOf(n),
            required_approvals: pendingApproval(n) ? REQUIRED_APPROVALS : 1,
            sponsor_ids: [executive(n), executive(n + 1), executive(n + 2)],
            operator_id: engagementOperator(n),
            partner_org_id: gated ? partnerOrgId(orgOfEngagement(n)) : null,
            partner_channel_id: gated ? partnerChannel(n) : null,
            escalation_path: JSON.stringify({
              level1: [executive(n)],
              level2: [executive(n + 1)],
              level3: [],
            }),
            ref_counters: JSON.stringify({
              DX: 1,
              SC: COUNTS.itemsPerEngagement,
              ST: 1,
              EX: pendingApproval(n) || gated ? 1 : 0,
              ...(withEscalations(n) ? { ES: ESCALATIONS.perEngagement } : {}),
            }),
            created_by: engagementOperator(n),
            created_at: created,
            updated_at: created,
          };
        }),
      )
      .execute(),
  );
  await insertChunks(ns, 500, (chunk) =>
    db
      .insertInto('diagnostic')
      .values(
        chunk.map((n) => ({
          team_id: teamId,
          engagement_id: engagementId(n),
          ref: 'DX-1',
          version: 1,
          priorities: JSON.stringify(['Retention', 'Activation']),
          scores: JSON.stringify({ retention: 42, activation: 61 }),
          findings: 'Churn concentrates in month two.',
          recommended_scope: 'Lifecycle email program',
          author_id: engagementOperator(n),
          submitted_at: created,
          frozen_at: created,
        })),
      )
      .execute(),
  );
  const items = ns.flatMap((n) =>
    Array.from({ length: COUNTS.itemsPerEngagement }, (_, j) => ({ n, j })),
  );
  await insertChunks(items, 1000, (chunk) =>
    db
      .insertInto('scope_item')
      .values(
        chunk.map(({ n, j }) => ({
          team_id: teamId,
          engagement_id: engagementId(n),
          ref: `SC-${j + 1}`,
          title: `Deliverable ${j + 1} of engagement ${n}`,
          due_date: '2027-01-15',
          criteria: JSON.stringify(['Open rate above 35%', 'QA signed off']),
          author_id: engagementOperator(n),
          created_at: created,
        })),
      )
      .execute(),
  );
  await insertChunks(ns, 500, (chunk) =>
    db
      .insertInto('stage_checkpoint')
      .values(
        chunk.map((n) => ({
          team_id: teamId,
          engagement_id: engagementId(n),
          ref: 'ST-1',
          name: 'Mid-point review',
          due_date: '2026-12-20',
          author_id: engagementOperator(n),
          created_at: created,
        })),
      )
      .execute(),
  );
  const withRequest = ns.filter((n) => pendingApproval(n) || n >= GROUPS.gated.from);
  await insertChunks(withRequest, 500, (chunk) =>
    db
      .insertInto('approval_request')
      .values(
        chunk.map((n) => ({
          team_id: teamId,
          id: approvalId(n),
          engagement_id: engagementId(n),
          ref: 'EX-1',
          subject: 'execution_requirements',
          required_approvals: pendingApproval(n) ? REQUIRED_APPROVALS : 1,
          requester_ids: [engagementOperator(n)],
          requested_by: engagementOperator(n),
          // One second apart, in engagement order: the waiting list's order is the requests'.
          requested_at: new Date(created.getTime() + n * 1000),
          ...(pendingApproval(n)
            ? {}
            : {
                votes: JSON.stringify([
                  { userId: executive(n), decision: 'approve', at: created.toISOString() },
                ]),
              }),
        })),
      )
      .execute(),
  );
  // Decided requests are stored as decided (the column default is 'pending').
  await db
    .updateTable('approval_request')
    .set({ status: 'approved', decided_at: created })
    .where('team_id', '=', teamId)
    .where('required_approvals', '=', 1)
    .execute();

  // Open escalations (the escalation-ack case): level 2, sent to both executives of the path.
  const escalations = ns
    .filter(withEscalations)
    .flatMap((n) => Array.from({ length: ESCALATIONS.perEngagement }, (_, k) => ({ n, k })));
  const raisedAt = new Date(T0 + 2 * 86_400_000);
  const farDue = new Date('2030-01-01T09:00:00Z');
  await insertChunks(escalations, 1000, (chunk) =>
    db
      .insertInto('escalation')
      .values(
        chunk.map(({ n, k }) => ({
          team_id: teamId,
          id: escalationId(n, k),
          engagement_id: engagementId(n),
          ref: `ES-${k + 1}`,
          category: 'timeline' as const,
          severity: 'high' as const,
          needed: `Bench escalation ${k + 1} of engagement ${n}: a decision on the launch date.`,
          by_when: null,
          state: 'open' as const,
          level: 2,
          step: 1,
          level_since: raisedAt,
          due_at: farDue,
          reached_ids: escalationReached(n),
          risk_ref: null,
          form_id: null,
          raised_by: engagementOperator(n),
          raised_at: raisedAt,
          acted_by: null,
          acted_at: null,
          updated_at: raisedAt,
        })),
      )
      .execute(),
  );

  const records: ChainedRecord[] = [];
  const workspaceInputs = everyone.map((p, k) => ({
    actorId: 'UADM0000',
    actorRole: 'admin',
    kind: p.role ? 'role.granted' : 'role.revoked',
    subjectRef: null,
    summary: p.role ? `Role ${p.role} granted to ${p.id}.` : `Role operator revoked from ${p.id}.`,
    details: { userId: p.id, role: p.role ?? 'operator', seq: k },
  }));
  records.push(...chain(teamId, null, workspaceInputs, T0));
  for (const n of ns) {
    const op = engagementOperator(n);
    const inputs = Array.from({ length: COUNTS.recordsPerEngagement }, (_, k) => ({
      actorId: k % 3 === 0 ? op : executive(n + k),
      actorRole: k % 3 === 0 ? 'operator' : 'executive',
      kind: k === 0 ? 'engagement.created' : k % 2 === 0 ? 'scope.item_updated' : 'note.added',
      subjectRef: k === 0 ? null : `SC-${(k % COUNTS.itemsPerEngagement) + 1}`,
      summary: `Bench history entry ${k} of engagement ${n}.`,
      details: { step: k, engagement: slug(n), notes: ['seeded', 'bench'] },
    }));
    records.push(...chain(teamId, engagementId(n), inputs, T0 + 86_400_000));
  }
  await insertChunks(records, 2000, (chunk) =>
    db
      .insertInto('decision_record')
      .values(
        chunk.map((r) => ({
          team_id: r.teamId,
          engagement_id: r.engagementId,
          chain_key: chainKey(r.teamId, r.engagementId),
          seq: r.seq,
          at: r.at,
          actor_id: r.actorId,
          actor_role: r.actorRole,
          kind: r.kind,
          subject_ref: r.subjectRef,
          summary: r.summary,
          details: JSON.stringify(r.details),
          prev_hash: r.prevHash,
          hash: r.hash,
        })),
      )
      .execute(),
  );
  return { records: records.length };
}
