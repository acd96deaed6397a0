// Slack failures after a change are reported by the jobs that meet them (src/jobs/job-context.ts:
// recorded once as `slack.error`, people told by the report-slack-failure job). A listener only
// needs to read the code of a call it makes to answer the person who acted (views.open).

/** The Slack error code of a failed Web API call (`not_in_channel`), or `request_failed`. */
export function slackErrorCode(error: unknown): string {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : 'request_failed';
}
