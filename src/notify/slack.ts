// A run's report to a Slack incoming webhook (@slack/webhook): the title and a
// line per stage in Slack's mrkdwn, as text (what notifications show) and as
// blocks (what the channel shows). The webhook's URL is the credential: no
// error, log line or status ever carries it, only the Secret that holds it.
// Everything sent is redacted first (credential formats, and the values the
// caller registered), and cut to Block Kit's limits.
import { IncomingWebhook, IncomingWebhookHTTPError } from '@slack/webhook';
import { BosunError } from '../api/errors.js';
import type { StageState } from '../api/v1alpha1/pipeline-run.js';
import { CREDENTIAL_PATTERNS, Redactor } from '../redact/index.js';
import { callFailure } from './failure.js';
import type { RunReport } from './report.js';

/** Block Kit: a section's text is at most 3000 characters. */
export const SLACK_SECTION_MAX = 3000;

export interface SlackTarget {
  url: string;
  /** where the URL is kept, to say what to fix: never the URL */
  secret: { namespace: string; name: string; key: string };
  timeoutMs: number;
  /** what is redacted from the message; default: the credential formats */
  redactor?: Redactor;
}

interface Text {
  type: 'mrkdwn';
  text: string;
}
export type SlackBlock = { type: 'section'; text: Text } | { type: 'context'; elements: Text[] };
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Slack's mrkdwn: &, < and > are control characters. */
export const escapeMrkdwn = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

const EVENT_ICON = { success: ':white_check_mark:', failure: ':x:', halt: ':octagonal_sign:' } as const;
const STATE_ICON: Record<StageState, string> = {
  Succeeded: ':white_check_mark:',
  Reused: ':recycle:',
  Failed: ':x:',
  Cancelled: ':no_entry_sign:',
  Skipped: ':fast_forward:',
  Running: ':hourglass_flowing_sand:',
  Waiting: ':hourglass_flowing_sand:',
  Pending: ':white_circle:',
};

/** The message for a report (pure). */
export function slackMessage(report: RunReport, redactor: Redactor = new Redactor(CREDENTIAL_PATTERNS)): SlackMessage {
  const clean = (s: string) => escapeMrkdwn(redactor.redact(s).text);
  const title = `${EVENT_ICON[report.event]} *${clean(report.title)}*`;
  const lines = report.lines.map((l, i) => `${STATE_ICON[report.stages[i]?.state ?? 'Pending']} ${clean(l)}`);
  const commit = report.url ? `<${report.url}|${report.revision.slice(0, 7)}>` : report.revision.slice(0, 7);
  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: cut(title, SLACK_SECTION_MAX) } },
    ...(lines.length
      ? [
          {
            type: 'section' as const,
            text: { type: 'mrkdwn' as const, text: cut(lines.join('\n'), SLACK_SECTION_MAX) },
          },
        ]
      : []),
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: cut(`commit ${commit} · \`${clean(report.describe)}\``, SLACK_SECTION_MAX) }],
    },
  ];
  return { text: cut([title, ...lines].join('\n'), 2 * SLACK_SECTION_MAX), blocks };
}

const notifyError = (detail: string) => new BosunError('BOSUN_ERR_NOTIFY', detail);

/** The URL, if it is one Slack could have given: https (plain http only to this host, for tests). */
function webhookUrl(raw: string, where: string): string {
  const put = "put the incoming webhook's URL there (https://hooks.slack.com/services/…)";
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw notifyError(`the value of ${where} is not a URL: ${put}`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw notifyError(`the value of ${where} is not an https URL: ${put}`);
  return url.toString();
}

/** Slack's answer in one word (no_service, channel_is_archived), when it is one; nothing else of its body. */
const slackWord = (body: string) => (/^[a-z_]{1,64}$/.test(body.trim()) ? body.trim() : undefined);

function answered(status: number, body: string, where: string): BosunError {
  const w = slackWord(body);
  const said = `Slack answered HTTP ${status}${w ? ` (${w})` : ''} to the report`;
  const anew = `make a new incoming webhook and put its URL in ${where}`;
  if (status === 429 || status >= 500) return notifyError(`${said}: rate-limited or failing; try the run again later`);
  if (status === 404 || w === 'no_service' || w === 'team_disabled')
    return notifyError(`${said}: the webhook in ${where} was removed, or its channel or app was: ${anew}`);
  if (status === 410 || w === 'channel_is_archived')
    return notifyError(`${said}: the webhook's channel is archived: unarchive it, or ${anew}`);
  if (status === 403)
    return notifyError(`${said}: the webhook in ${where} may not post to its channel any more: ${anew}`);
  return notifyError(`${said}: Slack refused the message itself`);
}

/** Posts the report; a refusal is a BOSUN_ERR_NOTIFY error that names the Secret, never the URL. */
export async function sendSlack(report: RunReport, target: SlackTarget): Promise<void> {
  const where = `Secret ${target.secret.namespace}/${target.secret.name} (key ${target.secret.key})`;
  const url = webhookUrl(target.url, where);
  const hook = new IncomingWebhook(url, { timeout: target.timeoutMs, retryConfig: { retries: 0 } });
  try {
    await hook.send({ ...slackMessage(report, target.redactor), unfurl_links: false, unfurl_media: false });
  } catch (err) {
    // the library's errors may hold the request (the URL): only what is read here leaves
    if (err instanceof IncomingWebhookHTTPError) throw answered(err.statusCode, err.body, where);
    throw notifyError(`Slack ${callFailure(err)} (the report, to the webhook in ${where})`);
  }
}
