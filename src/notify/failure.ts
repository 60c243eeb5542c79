// A call that got no HTTP answer, in two words: it timed out, or it never
// connected. Read from the error's name and codes only: a client's message may
// carry the URL it called, which for a Slack webhook is the credential.
const TIMEOUT = /timeout|timed out|aborted|ETIMEDOUT|ECONNABORTED/i;

type Failed = { name?: unknown; code?: unknown; cause?: Failed; original?: Failed };

export function callFailure(err: unknown): 'timed out' | 'could not connect' {
  const parts: unknown[] = [];
  let e = err as Failed | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    parts.push(e.name, e.code);
    e = e.original ?? e.cause;
  }
  return TIMEOUT.test(parts.map(String).join(' ')) ? 'timed out' : 'could not connect';
}
