// The behaviour both ticket systems share, each against its loopback fake:
// one ticket per fingerprint, found again after a crash; closing; redaction of
// everything sent; coded errors that never carry the credential or what the
// server said; and no connection beyond 127.0.0.1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BosunError } from '../api/errors.js';
import { fingerprintLabel } from './target.js';
import { githubHarness, jiraHarness, leaks, request, watchConnections, type Harness } from './tickets.testkit.js';

describe.each([
  { system: 'github', start: githubHarness },
  { system: 'jira', start: jiraHarness },
])('$system tickets', ({ start }) => {
  let h: Harness;
  let connections: ReturnType<typeof watchConnections>;
  beforeAll(async () => {
    connections = watchConnections();
    h = await start();
  });
  afterEach(() => {
    expect(h.fake.failures).toEqual([]);
  });
  afterAll(async () => {
    connections.restore();
    await h.close();
  });

  it('opens one ticket with the label of its fingerprint', async () => {
    const ref = await h.target().open(request('shop/web/oom'));
    const label = fingerprintLabel('shop/web/oom');
    expect(label).toMatch(/^bosun-[0-9a-f]{12}$/);
    const mine = h.tickets().filter((t) => t.labels.includes(label));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ id: ref.id, done: false, comments: 0 });
    expect(ref.system).toBe(h.system);
    expect(ref.url).toMatch(h.system === 'github' ? /\/acme\/payments\/issues\/\d+$/ : /\/browse\/OPS-\d+$/);
  });

  it('comments on the open ticket when the same fingerprint escalates again, as after a crash', async () => {
    const first = await h.target().open(request('shop/db/disk'));
    const again = await h.target().open(request('shop/db/disk')); // a new target: nothing kept in memory
    expect(again).toEqual(first);
    const mine = h.tickets().filter((t) => t.labels.includes(fingerprintLabel('shop/db/disk')));
    expect(mine).toHaveLength(1);
    expect(mine[0]?.comments).toBe(1);
    expect(mine[0]?.text).toContain('Seen again');
  });

  it('closes as done, once, and then opens a new ticket for the fingerprint', async () => {
    const target = h.target();
    const ref = await target.open(request('shop/cache/evicted'));
    await target.comment(ref, 'Bosun is trying a rollback.');
    await target.close(ref, 'Healed by Bosun: the rollback held.');
    await target.close(ref, 'a second close changes nothing');
    const closed = h.tickets().find((t) => t.id === ref.id);
    expect(closed).toMatchObject({ done: true, comments: 2 });
    expect(closed?.text).not.toContain('a second close');
    const next = await target.open(request('shop/cache/evicted'));
    expect(next.id).not.toBe(ref.id);
  });

  it('sends no credential: not those in the evidence, nor its own', async () => {
    const target = h.target();
    const sent = h.fake.requests.length;
    const ref = await target.open(
      request('shop/api/leak', {
        diagnosis: `The app logs its token at start: GITHUB_TOKEN=${leaks.githubToken}`,
        evidence: [{ source: 'pod/api-1 logs', summary: `DB_PASSWORD=${leaks.password}\nconnect refused` }],
        tried: [`a step whose output echoed ${h.secret}`],
      }),
    );
    await target.comment(ref, `still seeing ${leaks.githubToken} and ${h.secret}`);
    await target.close(ref, `closed; token ${h.secret}`);
    const bodies = h.fake.requests.slice(sent).map((r) => `${r.path}?${r.query.toString()} ${r.body}`);
    expect(bodies.length).toBeGreaterThan(3);
    for (const body of bodies) {
      expect(body).not.toContain(leaks.githubToken);
      expect(body).not.toContain(leaks.password);
      expect(body).not.toContain(h.secret);
    }
    expect(bodies.join('\n')).toContain('[REDACTED');
  });

  it.each([
    { why: 'a wrong credential (401)', code: 'BOSUN_ERR_TICKET_AUTH', status: 401, credential: 'wrong-credential' },
    // Jira answers a search in a project it does not have with 400
    { why: 'a repository or project that is not there', code: 'BOSUN_ERR_TICKET_NOT_FOUND', status: 404 },
    { why: 'a refused ticket (422 / 400)', code: 'BOSUN_ERR_TICKET_REJECTED', status: 0 },
    { why: 'an outage (503)', code: 'BOSUN_ERR_TICKET_UNAVAILABLE', status: 503 },
  ])('turns $why into $code without the credential or the answer', async ({ code, status, credential }) => {
    const marker = 'the-server-said-this-verbatim';
    const refused = h.system === 'github' ? 422 : 400;
    const want = status === 404 && h.system === 'jira' ? 400 : status || refused;
    if (status === 503 || status === 0) {
      // a documented error body, carrying what a careless error message would echo
      h.fake.inject.push({
        status: want,
        body: { message: `${marker} ${h.secret}`, errorMessages: [marker] },
        when: status === 0 ? /^POST .*\/issues?$/ : undefined, // the create, after a search that found nothing
      });
    }
    const target = h.target({ credential, where: status === 404 ? 'elsewhere' : undefined });
    const err = await target.open(request('shop/web/refused')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BosunError);
    expect((err as BosunError).code).toBe(code);
    expect((err as { status?: number }).status).toBe(want);
    const message = (err as Error).message;
    expect(message).toContain(`HTTP ${want}`);
    expect(message).not.toContain(h.secret);
    expect(message).not.toContain(marker);
    expect((err as Error).cause).toBeUndefined();
    expect(JSON.stringify(err)).not.toContain(h.secret);
  });

  it('turns a server that is not there into BOSUN_ERR_TICKET_UNAVAILABLE', async () => {
    const gone = await start();
    await gone.close();
    const err = await gone
      .target({ timeoutMs: 5000 })
      .open(request('shop/web/gone'))
      .catch((e: unknown) => e);
    expect((err as BosunError).code).toBe('BOSUN_ERR_TICKET_UNAVAILABLE');
    expect((err as Error).message).not.toContain(gone.secret);
  });

  it('contacts nothing beyond 127.0.0.1', () => {
    const hosts = connections.hosts();
    expect(hosts.length).toBeGreaterThan(0);
    expect(new Set(hosts)).toEqual(new Set(['127.0.0.1']));
  });
});
