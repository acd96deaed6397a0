import type { CommandHelp } from './blocks/help.js';

// What each `/amos` subcommand is for, kept apart from the handlers so that anything may list the
// commands (help, App Home) without importing every handler.
export const COMMAND_HELP = {
  help: { name: 'help', usage: 'help', summary: 'List the commands and what they do.' },
  new: { name: 'new', usage: 'new', summary: 'Create an engagement (operators).' },
  diagnostic: {
    name: 'diagnostic',
    usage: 'diagnostic [slug]',
    summary: 'Submit or revise the Diagnostic: System Entry (operators).',
  },
  review: {
    name: 'review',
    usage: 'review [slug] confirm|send-back [reason]',
    summary: 'Review Diagnostic outputs: Output Review (executives).',
  },
  scope: {
    name: 'scope',
    usage: 'scope [slug] [add|stage|submit|--version N]',
    summary:
      'Define scope items with acceptance criteria and due dates, and stage checkpoints; submit them for approval (operators).',
  },
  approve: {
    name: 'approve',
    usage: 'approve [slug] [REF] [note]',
    summary: 'Approve an item with an optional note, or list what waits on you (executives).',
  },
  reject: {
    name: 'reject',
    usage: 'reject [slug] REF <reason>',
    summary: 'Reject an item, saying why (executives).',
  },
  change: {
    name: 'change',
    usage: 'change [slug]',
    summary:
      'Raise a change request (scope, timeline, tooling, process) for the executives to decide (partners, operators).',
  },
  deliver: {
    name: 'deliver',
    usage: 'deliver [slug] | deliver [slug] review DL-n',
    summary:
      'Submit a deliverable for an approved scope item (partners), or review one against its acceptance criteria (operators, executives).',
  },
  stage: {
    name: 'stage',
    usage: 'stage [slug] ST-n <outcome>',
    summary: 'Submit the outcome of a stage checkpoint for stage review (partners).',
  },
  risk: {
    name: 'risk',
    usage: 'risk [slug] | risk [slug] RK-n ack|mitigated|closed',
    summary:
      'Raise a risk in a form (partners, operators; high and critical ones escalate at once), or move one as its owner. Also on any message: More actions → Raise AMOS risk.',
  },
  escalate: {
    name: 'escalate',
    usage: 'escalate [slug]',
    summary:
      'Escalate a scope, quality, timeline or risk issue along the engagement’s escalation path; it moves up a level when not acknowledged in time.',
  },
  fit: {
    name: 'fit',
    usage: 'fit <partner org>',
    summary: 'Record a partner fit assessment (executives).',
  },
  activate: {
    name: 'activate',
    usage: 'activate [slug]',
    summary:
      'Activate the partner (executives): invites them to the partner channel, pins the requirements and charter, asks for acknowledgement.',
  },
  pause: {
    name: 'pause',
    usage: 'pause [slug] <reason>',
    summary:
      'Pause an engagement (executives; any one may): the partner channel is gated again, partner actions are refused with your reason, partner reminders wait.',
  },
  resume: {
    name: 'resume',
    usage: 'resume [slug]',
    summary:
      'Resume a paused engagement (executives): partners are invited back and may act again.',
  },
  terminate: {
    name: 'terminate',
    usage: 'terminate [slug] <reason>',
    summary:
      'Terminate an engagement for good (executives): partners removed, pending approvals withdrawn, the final record posted and the partner channel archived.',
  },
  status: {
    name: 'status',
    usage: 'status [slug]',
    summary: 'Where an engagement stands, what blocks the next gate, who must act.',
  },
  log: {
    name: 'log',
    usage: 'log [slug|workspace]',
    summary:
      'Show the latest decision records of an engagement (`workspace`: roles, partners, fit).',
  },
  export: {
    name: 'export',
    usage: 'export [slug|workspace] [jsonl|csv]',
    summary: 'Send yourself the decision record as a file (JSON Lines by default, or CSV).',
  },
  role: {
    name: 'role',
    usage: 'role grant|revoke @person <role> | role list',
    summary: 'Grant or revoke AMOS roles (admins), or list who holds which role.',
  },
  partner: {
    name: 'partner',
    usage:
      'partner create <org> | partner add|remove <org> @person | partner assign <slug> <org> | partner list',
    summary:
      'Manage partner organisations and their members (admins), set an engagement’s partner organisation, or list them.',
  },
} as const satisfies Record<string, CommandHelp>;

/** Every subcommand's help, in the order `/amos help` lists them. */
export const HELP_CATALOGUE: readonly CommandHelp[] = Object.values(COMMAND_HELP);
