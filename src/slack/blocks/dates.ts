const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A moment as Slack's viewer-neutral date token: each reader sees it in their own time zone
 * ("Nov 25 at 2:03 PM"); clients that can't render it show the UTC fallback.
 */
export function slackDate(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000);
  const fallback = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${seconds}^{date_short_pretty} at {time}|${fallback}>`;
}

/** A calendar date (YYYY-MM-DD) as "15 Dec 2026"; a due date is the same day everywhere. */
export function calendarDate(isoDate: string | null | undefined): string {
  if (!isoDate) return 'no date';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  const month = MONTHS[Number(match[2]) - 1] ?? match[2];
  return `${Number(match[3])} ${month} ${match[1]}`;
}
