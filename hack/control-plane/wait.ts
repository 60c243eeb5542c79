// Polling helpers for start-up; used only while the control plane comes up.
import { request } from 'node:https';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  explain?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${explain ? `\n${explain()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** GET over HTTPS on loopback; the caller passes the CA, or accepts any certificate while the CA does not exist yet. */
export function httpsGet(
  url: string,
  opts: { token?: string; ca?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {},
        ...(opts.ca ? { ca: opts.ca } : { rejectUnauthorized: false }),
        timeout: 5000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
