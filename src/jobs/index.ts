import { closePartnerChannel } from './close-partner-channel.js';
import { enforceChannelGate } from './enforce-channel-gate.js';
import { escalationDue } from './escalation-due.js';
import type { JobDefinition } from './job.js';
import { notifyGatedPartner } from './notify-gated-partner.js';
import { notifyRequester } from './notify-requester.js';
import { notifyRoleChange } from './notify-role-change.js';
import { notifyScopeAmended } from './notify-scope-amended.js';
import { preparePartnerChannel } from './prepare-partner-channel.js';
import { publishHome } from './publish-home.js';
import { reconcileGates } from './reconcile-gates.js';
import { reportSlackFailure } from './report-slack-failure.js';
import { sendApprovalRequest } from './send-approval-request.js';
import { sendExport } from './send-export.js';
import { sendGovernanceDm } from './send-governance-dm.js';
import { sendNotice } from './send-notice.js';
import { sendReminder } from './send-reminder.js';
import { setUpPartnerChannel } from './set-up-partner-channel.js';
import { updateApprovalCopies } from './update-approval-copies.js';
import { updateCharterAck } from './update-charter-ack.js';
import { updateGovernanceCopies } from './update-governance-copies.js';

/** Every follow-up job, registered once: each is a queue, and workers run each. */
export const JOBS: readonly JobDefinition[] = [
  sendApprovalRequest,
  updateApprovalCopies,
  notifyRequester,
  publishHome,
  notifyRoleChange,
  reportSlackFailure,
  enforceChannelGate,
  sendReminder,
  reconcileGates,
  notifyScopeAmended,
  setUpPartnerChannel,
  sendNotice,
  sendGovernanceDm,
  updateGovernanceCopies,
  escalationDue,
  updateCharterAck,
  notifyGatedPartner,
  sendExport,
  preparePartnerChannel,
  closePartnerChannel,
] as unknown as readonly JobDefinition[];

export { NOTIFY_REQUESTER } from './notify-requester.js';
export { NOTIFY_ROLE_CHANGE } from './notify-role-change.js';
export { NOTIFY_SCOPE_AMENDED } from './notify-scope-amended.js';
export { PUBLISH_HOME } from './publish-home.js';
export { SEND_APPROVAL_REQUEST } from './send-approval-request.js';
export { UPDATE_APPROVAL_COPIES } from './update-approval-copies.js';
