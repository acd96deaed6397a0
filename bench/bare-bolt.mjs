// The baseline: a bare Bolt app of the same version as AMOS's that only acks. convoStore off
// and the bot's ids given, as AMOS runs Bolt; the token's auth.test runs once at start (against
// the Slack stand-in). Plain JavaScript, no tsx, started by bench/run.ts as a child process.
// Env: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL, BOT_ID, BOT_USER_ID.
import bolt from '@slack/bolt';

const { App, LogLevel } = bolt;
const env = process.env;
const app = new App({
  token: env.SLACK_BOT_TOKEN,
  signingSecret: env.SLACK_SIGNING_SECRET,
  botId: env.BOT_ID,
  botUserId: env.BOT_USER_ID,
  convoStore: false,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: env.SLACK_API_URL },
});
app.command(/.*/, async ({ ack }) => ack());
app.action(/.*/, async ({ ack }) => ack());
app.view(/.*/, async ({ ack }) => ack());
app.event(/.*/, async () => {});

await app.start(Number(env.PORT));
process.stdout.write('bare bolt listening\n');
const stop = () =>
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
