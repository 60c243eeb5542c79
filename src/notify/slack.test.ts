// A report to Slack, against the loopback incoming webhook: what is posted
// (text and blocks, escaped and redacted), and each refusal as a coded error
// that names the Secret and never the URL.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../test/support/slack-api.js';
import { hasCode } from '../api/errors.js';
import { CREDENTIAL_PATTERNS, Redactor } from '../redact/index.js';
import { sampleRun, samplePipeline } from './notify.testkit.js';
import { buildReport } from './report.js';
import { sendSlack, slackMessage, type SlackTarget } from './slack.js';

const report = () => buildReport({ run: sampleRun(), pipeline: samplePipeline(), self: 'report' });
const secret = { namespace: 'demo', name: 'slack-webhook', key: 'url' };

describe('Slack reports', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterEach(() => expect(fake.failures).toEqual([]));
  afterAll(() => fake.close());
  const target = (o: Partial<SlackTarget> = {}): SlackTarget => ({ url: fake.url, secret, timeoutMs: 5000, ...o });
  const refusal = async (t: SlackTarget) => {
    const err = await sendSlack(report(), t).catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_NOTIFY')).toBe(true);
    const message = (err as Error).message;
    expect(message).not.toContain(fake.path.split('/').at(-1));
    expect(message).not.toContain(t.url);
    return message;
  };

  it('posts the title and a line per stage, as text and as blocks, escaped for mrkdwn', async () => {
    const before = fake.messages.length;
    await sendSlack(report(), target());
    const [sent] = fake.messages.slice(before);
    expect(sent?.text?.split('\n')).toEqual([
      ':x: *Pipeline web: run web-3f9c2ab failed at test in 2m31s (3f9c2ab on main)*',
      ':white_check_mark: lint: Succeeded in 9s: lint 0 errors, 2 warnings',
      ':x: test: Failed in 1m20s: tests 40 passed, 1 failed (login &lt;redirects&gt; &amp; keeps the session) ' +
        '(exit code 1)',
      `:white_check_mark: build: Succeeded in 1m1s: image registry.example/web@sha256:${'ab12'.repeat(16)}`,
      ':fast_forward: security: Skipped (build did not succeed (Failed))',
      ':hourglass_flowing_sand: cleanup: Running',
    ]);
    expect(sent?.blocks).toHaveLength(3);
    expect(JSON.stringify(sent?.blocks)).toContain(
      `<https://github.com/acme/payments/commit/${sampleRun().spec.revision}|3f9c2ab>`,
    );
    expect(JSON.stringify(sent?.blocks)).toContain('kubectl bosun describe pipelinerun web-3f9c2ab -n demo');
    const posted = fake.requests.at(-1);
    expect(posted?.headers['content-type']).toMatch(/^application\/json/);
  });

  it('redacts credentials and the values it was given from what it sends', () => {
    const r = report();
    const token = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`;
    r.lines[0] = `lint: Succeeded: found ${token} and hunter2-registered`;
    const redactor = new Redactor(CREDENTIAL_PATTERNS);
    redactor.addSecret('hunter2-registered');
    const text = JSON.stringify(slackMessage(r, redactor));
    expect(text).not.toContain(token);
    expect(text).not.toContain('hunter2-registered');
  });

  it('cuts a long report to Block Kit limits', async () => {
    const r = report();
    r.lines = r.lines.map((l) => `${l} ${'x'.repeat(900)}`);
    await sendSlack(r, target()); // the fake refuses blocks over the limits
  });

  it('names the Secret when the webhook is gone (404 no_service), never the URL', async () => {
    const message = await refusal(target({ url: `${fake.origin}/services/T0/B0/${'z'.repeat(24)}` }));
    expect(message).toMatch(/HTTP 404 \(no_service\)/);
    expect(message).toContain('Secret demo/slack-webhook (key url)');
    expect(message).toMatch(/make a new incoming webhook/);
  });

  it.each([
    [{ status: 403, text: 'action_prohibited' }, /HTTP 403 \(action_prohibited\).*may not post/],
    [{ status: 410, text: 'channel_is_archived' }, /archived/],
    [{ status: 500, text: '<html>oops</html>' }, /HTTP 500 to the report: rate-limited or failing/],
    [{ status: 400, text: 'invalid_payload' }, /\(invalid_payload\).*refused the message/],
  ])('says what to do about %j', async (answer, want) => {
    fake.inject.push(answer);
    expect(await refusal(target())).toMatch(want);
  });

  it.each([
    ['not-a-url-but-a-secret-value', /is not a URL/],
    ['http://hooks.slack.example/services/T0/B0/secretpart', /is not an https URL/],
  ])('refuses %s without sending or saying it', async (url, want) => {
    const before = fake.requests.length;
    const message = await refusal(target({ url }));
    expect(message).toMatch(want);
    expect(message).not.toContain('secret');
    expect(fake.requests.length).toBe(before);
  });

  it('says it could not connect, or timed out', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await refusal(target({ url: `http://127.0.0.1:${port}/services/T0/B0/x` }))).toMatch(/could not connect/);

    const held: Socket[] = [];
    const silent: Server = createServer((socket) => void held.push(socket)); // takes the connection, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const at = (silent.address() as { port: number }).port;
    try {
      expect(await refusal(target({ url: `http://127.0.0.1:${at}/services/T0/B0/x`, timeoutMs: 200 }))).toMatch(
        /timed out/,
      );
    } finally {
      held.forEach((s) => s.destroy());
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
