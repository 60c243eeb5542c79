// A loopback Slack incoming webhook (docs: https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks,
// its errors and Block Kit's limits): a JSON POST to the hook's path is
// answered 200 with the text `ok`, as Slack does; an unknown path 404
// `no_service`; a message without text or blocks 400 `no_text`; blocks over
// Block Kit's limits 400 `invalid_blocks`. It keeps the messages it took.
import { randomBytes } from 'node:crypto';
import { checkFields, startFakeHttp, type Answer, type FakeHttp } from './fake-http.js';

export interface SlackMessage {
  path: string;
  text?: string;
  blocks?: unknown[];
}

export interface FakeSlack extends FakeHttp {
  /** the webhook's URL (the credential: a Secret holds it) */
  url: string;
  /** its path: /services/T…/B…/… */
  path: string;
  messages: SlackMessage[];
}

const word = (status: number, text: string): Answer => ({ status, text });

type Text = { type?: unknown; text?: unknown };
const textOk = (t: Text | undefined, max: number, types: readonly string[]) =>
  !!t && types.includes(String(t.type)) && typeof t.text === 'string' && t.text.length > 0 && t.text.length <= max;

/** What is wrong with the blocks, by Block Kit's limits for the kinds the fake knows; undefined when nothing. */
function blockProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks is not an array';
  if (blocks.length > 50) return 'more than 50 blocks';
  for (const [i, raw] of blocks.entries()) {
    const b = raw as { type?: unknown; text?: Text; elements?: unknown };
    if (b.type === 'header' && !textOk(b.text, 150, ['plain_text'])) return `block ${i}: header text`;
    else if (b.type === 'section' && !textOk(b.text, 3000, ['mrkdwn', 'plain_text'])) return `block ${i}: section text`;
    else if (b.type === 'context') {
      const els = b.elements;
      if (!Array.isArray(els) || !els.length || els.length > 10) return `block ${i}: context elements`;
      if (!els.every((e) => textOk(e as Text, 3000, ['mrkdwn', 'plain_text']))) return `block ${i}: context element`;
    } else if (!['header', 'section', 'context', 'divider'].includes(String(b.type)))
      return `block ${i}: type ${String(b.type)}`;
  }
  return undefined;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const path = `/services/T${randomBytes(4).toString('hex').toUpperCase()}/B000/${randomBytes(12).toString('hex')}`;
  const messages: SlackMessage[] = [];
  const http = await startFakeHttp((req, fail) => {
    if (req.method !== 'POST') {
      fail('not a POST');
      return word(405, 'invalid_method');
    }
    if (req.path !== path) return word(404, 'no_service');
    if (!/^application\/json/.test(req.headers['content-type'] ?? '')) fail('a body sent without Content-Type JSON');
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      return word(400, 'invalid_payload');
    }
    const spec = {
      'text?': ['string'],
      'blocks?': ['array'],
      'attachments?': ['array'],
      'unfurl_links?': ['boolean'],
      'unfurl_media?': ['boolean'],
      'mrkdwn?': ['boolean'],
      'username?': ['string'],
      'icon_emoji?': ['string'],
      'icon_url?': ['string'],
      'channel?': ['string'],
      'thread_ts?': ['string'],
    } as const;
    if (!checkFields('message', body, spec, fail)) return word(400, 'invalid_payload');
    const { text, blocks } = body as { text?: string; blocks?: unknown[] };
    if (!text && !blocks?.length) return word(400, 'no_text');
    const problem = blocks === undefined ? undefined : blockProblem(blocks);
    if (problem) {
      fail(`invalid blocks: ${problem}`);
      return word(400, 'invalid_blocks');
    }
    messages.push({ path: req.path, ...(text !== undefined && { text }), ...(blocks && { blocks }) });
    return word(200, 'ok');
  });
  return Object.assign(http, { url: `${http.origin}${path}`, path, messages });
}
