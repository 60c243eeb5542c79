import { describe, expect, it } from 'vitest';
import { hasCode } from '../api/errors.js';
import type { KubeClient } from './client.js';
import { KubeApiError } from './errors.js';
import { EXECUTOR_TOKEN_SECONDS, ExecutorCredentials } from './executor-credentials.js';
import type { KubeRequest } from './rest.js';

/** Bosun's client, answering TokenRequests with numbered tokens (or 404 for namespaces without the account). */
function fakeClient(missing: string[] = []) {
  const requests: KubeRequest[] = [];
  let n = 0;
  const rest = {
    request: async (req: KubeRequest) => {
      requests.push(req);
      if (missing.some((ns) => req.path.includes(`/namespaces/${ns}/`))) {
        throw new KubeApiError(
          'BOSUN_ERR_KUBE_NOT_FOUND',
          404,
          undefined,
          'serviceaccounts "bosun-executor" not found',
        );
      }
      return { status: { token: `token-${++n}`, expirationTimestamp: undefined } };
    },
    withBearerToken: (token: string) => ({ token, close: () => {} }),
  };
  return { client: { rest, fieldManager: 'bosun' } as unknown as KubeClient, requests };
}

describe('ExecutorCredentials', () => {
  it('asks for a ten-minute token of bosun-executor, registers it with the masker, and reuses it while fresh', async () => {
    const { client, requests } = fakeClient();
    const seen: string[] = [];
    let now = 0;
    const creds = new ExecutorCredentials({ client, onToken: (t) => seen.push(t), now: () => now });
    const a = await creds.clientFor('demo', 'bosun-goal-controller');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/namespaces/demo/serviceaccounts/bosun-executor/token',
      body: { spec: { expirationSeconds: EXECUTOR_TOKEN_SECONDS, audiences: [] } },
    });
    expect(seen).toEqual(['token-1']);
    expect(a.fieldManager).toBe('bosun-goal-controller');
    expect((a.rest as unknown as { token: string }).token).toBe('token-1');
    now += 7 * 60_000; // still more than two minutes left
    await creds.clientFor('demo', 'x');
    expect(requests).toHaveLength(1);
    now += 2 * 60_000; // too close to the expiry: a new token
    const b = await creds.clientFor('demo', 'x');
    expect(requests).toHaveLength(2);
    expect((b.rest as unknown as { token: string }).token).toBe('token-2');
    expect(seen).toEqual(['token-1', 'token-2']);
  });

  it('keeps one token per namespace', async () => {
    const { client, requests } = fakeClient();
    const creds = new ExecutorCredentials({ client });
    await Promise.all([creds.clientFor('a', 'x'), creds.clientFor('a', 'x'), creds.clientFor('b', 'x')]);
    expect(requests.map((r) => r.path)).toEqual([
      '/api/v1/namespaces/a/serviceaccounts/bosun-executor/token',
      '/api/v1/namespaces/b/serviceaccounts/bosun-executor/token',
    ]);
  });

  it('says NoExecutor when the namespace has no such ServiceAccount, and asks again next time', async () => {
    const { client, requests } = fakeClient(['bare']);
    const creds = new ExecutorCredentials({ client });
    const err = await creds.clientFor('bare', 'x').catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_NO_EXECUTOR')).toBe(true);
    await creds.clientFor('bare', 'x').catch(() => undefined);
    expect(requests).toHaveLength(2); // a failure is not cached
  });
});
