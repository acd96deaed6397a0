import type { Logger } from '../logger.js';

/**
 * Posts a reply to an interaction's response_url (valid for 30 minutes, five posts), for
 * handlers that have no `respond` of their own, such as a modal submitted from a button.
 * Never throws: a failure is logged without the body.
 */
export async function postToResponseUrl(
  url: string | undefined,
  body: Record<string, unknown>,
  logger: Logger,
): Promise<boolean> {
  if (!url) return false;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) logger.warn({ status: response.status }, 'response_url post refused');
    return response.ok;
  } catch (error) {
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'response_url post failed',
    );
    return false;
  }
}
