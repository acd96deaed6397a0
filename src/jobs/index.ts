import { closePartnerChannel } from './close-partner-channel.js';
import { enforceChannelGate } from './enforce-channel-gate.js';
import type { JobDefinition } from './job.js';
import { notifyRequester } from './notify-requester.js';
import { notifyRoleChange } from './notify-role-change.js';
import { notifyScopeAmended } from './notify-scope-amended.js';
import { publishHome } from './publish-home.js';
import { reconcileGates } from './reconcile-gates.js';
import { reportSlackFailure } from './report-slack-failure.js';
import { sendApprovalRequest } from './send-approval-request.js';
import { sendNotice } from './send-notice.js';
import { sendReminder } from './send-reminder.js';
import { setUpPartnerChannel } from './set-up-partner-channel.js';
import { updateApprovalCopies } from './update-approval-copies.js';

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
  closePartnerChannel,
] as unknown as readonly JobDefinition[];

export { NOTIFY_REQUESTER } from './notify-requester.js';
export { NOTIFY_ROLE_CHANGE } from './notify-role-change.js';
export { NOTIFY_SCOPE_AMENDED } from './notify-scope-amended.js';
export { PUBLISH_HOME } from './publish-home.js';
export { SEND_APPROVAL_REQUEST } from './send-approval-request.js';
export { UPDATE_APPROVAL_COPIES } from './update-approval-copies.js';
