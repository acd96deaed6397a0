import { randomBytes } from 'node:crypto';
import {
  formBody,
  postSigned,
  type SignedRequestOptions,
  type SlackHttpResponse,
} from '../../src/sandbox/signed-request.js';

export interface DriverTarget {
  /** The app's `POST /slack/events` URL. */
  eventsUrl: string;
  signingSecret: string;
  teamId: string;
  appId?: string;
  /** Makes a response_url on the fake Slack server. */
  createResponseUrl(): string;
}

type SignOverrides = Pick<
  SignedRequestOptions,
  'timestampSeconds' | 'signWith' | 'retryNum' | 'retryReason'
>;

export interface CommandResult extends SlackHttpResponse {
  /** The response_url this command carried, for reading what was posted to it later. */
  responseUrl: string;
  triggerId: string;
}

const id = (prefix: string) => `${prefix}${randomBytes(5).toString('hex').toUpperCase()}`;

/**
 * Sends requests to the real Bolt receiver over HTTP, signed as Slack signs them: slash
 * commands and interactivity as form bodies, Events API deliveries as JSON.
 */
/** A request exactly as it was sent: send it again (to any instance) to replay it. */
export interface SentRequest {
  body: string;
  contentType: 'application/x-www-form-urlencoded' | 'application/json';
  timestampSeconds: number;
}

export class SlackDriver {
  constructor(private readonly target: DriverTarget) {}

  /** The last request this driver sent. */
  last: SentRequest | undefined;

  /** Sends `request` again, byte for byte with its signature, to this app or `eventsUrl`. */
  async replay(
    request: SentRequest | undefined = this.last,
    eventsUrl = this.target.eventsUrl,
  ): Promise<SlackHttpResponse> {
    if (!request) throw new Error('nothing was sent yet');
    return postSigned(eventsUrl, request.body, request.contentType, {
      signingSecret: this.target.signingSecret,
      timestampSeconds: request.timestampSeconds,
    });
  }

  private sign(overrides: SignOverrides = {}): SignedRequestOptions {
    return { signingSecret: this.target.signingSecret, ...overrides };
  }

  private post(
    body: string,
    contentType: SentRequest['contentType'],
    options: SignedRequestOptions,
  ): Promise<SlackHttpResponse> {
    const timestampSeconds = options.timestampSeconds ?? Math.floor(Date.now() / 1000);
    this.last = { body, contentType, timestampSeconds };
    return postSigned(this.target.eventsUrl, body, contentType, { ...options, timestampSeconds });
  }

  /** `/amos <text>` typed by `userId` in `channelId`. */
  async command(
    userId: string,
    text: string,
    options: SignOverrides & { channelId?: string; command?: string; teamId?: string } = {},
  ): Promise<CommandResult> {
    const responseUrl = this.target.createResponseUrl();
    const triggerId = `${Date.now()}.${id('')}`;
    const body = formBody({
      token: 'legacy-verification-token',
      team_id: options.teamId ?? this.target.teamId,
      team_domain: 'amos-test',
      channel_id: options.channelId ?? 'C0GENERAL',
      channel_name: 'general',
      user_id: userId,
      user_name: userId.toLowerCase(),
      command: options.command ?? '/amos',
      text,
      api_app_id: this.target.appId ?? 'A0AMOS',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    });
    const response = await this.post(body, 'application/x-www-form-urlencoded', this.sign(options));
    return { ...response, responseUrl, triggerId };
  }

  /** An interactivity payload (block_actions, view_submission, view_closed, shortcuts). */
  async interaction(
    payload: Record<string, unknown>,
    options: SignOverrides = {},
  ): Promise<SlackHttpResponse> {
    const body = formBody({ payload: JSON.stringify(payload) });
    return this.post(body, 'application/x-www-form-urlencoded', this.sign(options));
  }

  /** A button click in a message or view. */
  async blockAction(
    userId: string,
    action: { actionId: string; blockId?: string; value?: string },
    where: { channelId?: string; messageTs?: string; viewId?: string; teamId?: string } = {},
  ): Promise<SlackHttpResponse & { responseUrl: string }> {
    const teamId = where.teamId ?? this.target.teamId;
    const responseUrl = this.target.createResponseUrl();
    const response = await this.interaction({
      type: 'block_actions',
      team: { id: teamId, domain: 'amos-test' },
      user: { id: userId, username: userId.toLowerCase(), team_id: teamId },
      api_app_id: this.target.appId ?? 'A0AMOS',
      token: 'legacy-verification-token',
      trigger_id: `${Date.now()}.${id('')}`,
      response_url: responseUrl,
      container: where.viewId
        ? { type: 'view', view_id: where.viewId }
        : { type: 'message', channel_id: where.channelId, message_ts: where.messageTs },
      ...(where.channelId ? { channel: { id: where.channelId } } : {}),
      ...(where.messageTs ? { message: { ts: where.messageTs, type: 'message' } } : {}),
      ...(where.viewId ? { view: { id: where.viewId, type: 'modal' } } : {}),
      actions: [
        {
          type: 'button',
          action_id: action.actionId,
          block_id: action.blockId ?? 'actions',
          value: action.value ?? '',
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    });
    return { ...response, responseUrl };
  }

  /** A modal submitted with `values` as Slack's view.state.values. */
  async viewSubmission(
    userId: string,
    view: {
      callbackId: string;
      privateMetadata?: string;
      values: Record<string, Record<string, unknown>>;
      teamId?: string;
    },
    options: SignOverrides = {},
  ): Promise<SlackHttpResponse> {
    const teamId = view.teamId ?? this.target.teamId;
    return this.interaction(
      {
        type: 'view_submission',
        team: { id: teamId, domain: 'amos-test' },
        user: { id: userId, username: userId.toLowerCase(), team_id: teamId },
        api_app_id: this.target.appId ?? 'A0AMOS',
        token: 'legacy-verification-token',
        trigger_id: `${Date.now()}.${id('')}`,
        view: {
          id: id('V'),
          team_id: teamId,
          type: 'modal',
          callback_id: view.callbackId,
          private_metadata: view.privateMetadata ?? '',
          state: { values: view.values },
          hash: id('h'),
          blocks: [],
        },
        response_urls: [],
      },
      options,
    );
  }

  /** An Events API delivery of `event`; pass the same eventId and retryNum to simulate Slack's retry. */
  async event(
    event: Record<string, unknown>,
    options: SignOverrides & { eventId?: string; teamId?: string } = {},
  ): Promise<SlackHttpResponse & { eventId: string }> {
    const eventId = options.eventId ?? id('Ev');
    const teamId = options.teamId ?? this.target.teamId;
    const body = JSON.stringify({
      token: 'legacy-verification-token',
      team_id: teamId,
      api_app_id: this.target.appId ?? 'A0AMOS',
      event,
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        { team_id: teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false },
      ],
      is_ext_shared_channel: false,
    });
    const response = await this.post(body, 'application/json', this.sign(options));
    return { ...response, eventId };
  }
}
