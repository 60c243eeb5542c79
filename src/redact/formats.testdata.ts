// Test data shared by the redaction tests (src/redact, src/telemetry): each credential format the
// review listed, with a label for test names (never the value), and look-alikes that must stay.
// Values are assembled at run time from a seeded generator, so no credential-shaped literal is
// committed and test names print nothing secret.
import { createHash } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `n` characters from `alphabet`, deterministic for a seed (high entropy, no stop words). */
export function noise(n: number, seed: number, alphabet = ALNUM): string {
  let x = seed * 2654435761;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += alphabet[Math.floor((x / 2147483648) * alphabet.length)];
  }
  return out;
}

export interface Format {
  label: string;
  /** the text as it appears in evidence or a log line */
  text: string;
  /** the part that must disappear */
  secret: string;
}

const pw = `Hu${noise(10, 1)}`;
const pem = [
  `-----BEGIN ${'RSA PRIVATE'} KEY-----`,
  ...Array.from({ length: 12 }, (_, i) => noise(64, 100 + i)),
  `-----END ${'RSA PRIVATE'} KEY-----`,
].join('\n');

const f = (label: string, text: (s: string) => string, secret: string): Format => ({
  label,
  text: text(secret),
  secret,
});

export const FORMATS: readonly Format[] = [
  f('env assignment X_PASSWORD=', (s) => `DB_PASSWORD=${s}`, pw),
  f('env assignment of a low-entropy password', (s) => `APP_DB_PASSWORD=${s}`, 'hunter2' + 'hunter2'),
  f('env assignment API_TOKEN=', (s) => `export API_TOKEN=${s}`, noise(24, 2)),
  f('JSON field "password":"…"', (s) => `{"user":"app","password":"${s}"}`, pw),
  f('JSON field with spaces', (s) => `{"password": "${s}"}`, pw),
  f('JSON escaped inside a JSON string', (s) => JSON.stringify(JSON.stringify({ password: s })), pw),
  f('escaped quotes password=\\"…\\"', (s) => `args: password=\\"${s}\\"`, pw),
  f('YAML password: …', (s) => `  password: ${s}`, pw),
  f('AWS secret access key', (s) => `aws_secret_access_key = ${s}`, noise(20, 3) + '/' + noise(19, 4)),
  f('AWS access key id', (s) => `aws_access_key_id=${s}`, 'AKIA' + noise(16, 5, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')),
  f('GitHub fine-grained PAT', (s) => `GH=${s}`, 'github_pat_' + noise(22, 6) + '_' + noise(59, 7)),
  f('GitHub classic token', (s) => `token ${s} used`, 'gh' + 'p_' + noise(36, 8)),
  f('Slack webhook URL', (s) => `post to ${s}`, 'https://hooks.slack.com/services/' + noise(44, 9)),
  f('kubeconfig client-key-data', (s) => `users:\n- name: a\n  user:\n    client-key-data: ${s}\n`, noise(80, 10)),
  f('kubeconfig client-certificate-data', (s) => `    client-certificate-data: ${s}`, noise(80, 11)),
  f('kubeconfig token', (s) => `    token: ${s}`, noise(40, 12)),
  f('Basic auth header', (s) => `Authorization: Basic ${s}`, Buffer.from(`admin:${pw}`).toString('base64')),
  f('Bearer header', (s) => `Authorization: Bearer ${s}`, noise(32, 13)),
  f('URL password with empty user', (s) => `REDIS_URL=redis://:${s}@cache:6379/0`, pw),
  f('URL password containing /', (s) => `postgres://u:${s}@db.internal:5432/shop`, 'pa/' + noise(8, 14)),
  f('private key (PEM)', (s) => `key:\n${s}\nend`, pem),
  f('Anthropic key', (s) => `ANTHROPIC_API_KEY is ${s}`, 'sk-' + 'ant-api03-' + noise(30, 15)),
  f('JWT', (s) => `jwt ${s} ok`, 'eyJ' + noise(30, 16) + '.eyJ' + noise(40, 17) + '.' + noise(43, 18)),
];

const digest = createHash('sha256').update('a plan').digest('hex');
const uid = '3f1c2a9e-5b7d-4c8e-9a0b-1d2e3f4a5b6c';

/** Text that must come out unchanged: ordinary words, placeholders, short values, digests, UIDs. */
export const KEEP: readonly { label: string; text: string }[] = [
  { label: 'ordinary text', text: 'deployment/web has 3 replicas; pod web-1 is CrashLoopBackOff (exit code 137)' },
  { label: 'placeholder <redacted>', text: 'password: <redacted>' },
  { label: 'placeholder ${VAR}', text: 'DB_PASSWORD=${DB_PASSWORD}' },
  { label: 'a sentence about passwords', text: 'the password policy requires rotation every 90 days' },
  { label: 'a short value', text: 'password: abc' },
  { label: 'Basic followed by a word', text: 'Basic information about the cluster' },
  { label: 'a Bosun error code after secret:', text: 'cannot read secret: BOSUN_ERR_KUBE_NOT_FOUND' },
  { label: 'plan hash in YAML', text: `planHash: ${digest}` },
  { label: 'plan hash in JSON', text: `{"planHash":"${digest}","hash":"${digest}"}` },
  { label: 'plan cache key', text: `cacheKey=${digest}` },
  { label: 'image digest', text: `image: ghcr.io/acme/web@sha256:${digest}` },
  { label: 'Kubernetes UID', text: `uid: ${uid}` },
  { label: 'owner reference UID in JSON', text: `{"ownerReferences":[{"kind":"ReplicaSet","uid":"${uid}"}]}` },
  { label: 'token counts', text: '{"inputTokens":1234,"maxTokens":4096}' },
  { label: 'a Secret name', text: 'secretName: app-credentials' },
  { label: 'URL with a port and an @ in the path', text: 'https://registry.example.com:443/@types/node' },
];
