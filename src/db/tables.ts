import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** A Slack workspace the app serves; the row every other table's `team_id` points at. */
export interface WorkspaceTable {
  team_id: string;
  team_name: string | null;
  bot_user_id: string | null;
  bot_id: string | null;
  /** AES-256-GCM ciphertext of the bot token (OAuth installs only). */
  bot_token_encrypted: string | null;
  installed_by: string | null;
  installed_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** One row per Events API delivery handled, so Slack's retries have no second effect. */
export interface SlackEventReceiptTable {
  team_id: string;
  event_id: string;
  event_type: string;
  received_at: CreatedAt;
}

export interface Database {
  workspace: WorkspaceTable;
  slack_event_receipt: SlackEventReceiptTable;
}

export type { Generated };
