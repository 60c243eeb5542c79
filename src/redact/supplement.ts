// Bosun's own credential patterns: only the formats gitleaks' rules miss (checked by the tests in
// supplement.test.ts and redactor.test.ts), each for a reason written beside it. Kinds keep the
// names the hand-grown list had, so reports stay comparable.
import type { Finding, Pattern } from './pattern.js';

// Values that stand for a secret without being one: `<redacted>`, `[REDACTED:…]`, `${VAR}`, `****`,
// and Bosun's error codes (`secret: BOSUN_ERR_KUBE_NOT_FOUND` says what failed, not a secret).
const PLACEHOLDER =
  /^(?:\*+|x+|<[^>]*>?|\[REDACTED[^\]]*\]?|\$\{?[A-Za-z_][\w.]*\}?|\{\{.*|BOSUN_ERR_\w+|null|undefined)$/i;
const isPlaceholder = (f: Finding) => PLACEHOLDER.test(f.secret);

/** Key names whose value is a credential, as the last word of a longer key (`DB_PASSWORD`, `apiKey`). */
const SECRET_KEY = String.raw`(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)`;

export const SUPPLEMENT_PATTERNS: readonly Pattern[] = [
  {
    // gitleaks' generic rule wants high entropy and no `/`, and its `\b` fails after `_`
    // (`DB_PASSWORD=`); people's passwords are low-entropy. Covers env (`X_PASSWORD=v`), YAML
    // (`password: v`), JSON (`"password": "v"`) and JSON inside a JSON string (`\"password\":\"v\"`).
    kind: 'password-assignment',
    regex: new RegExp(
      String.raw`(?<![A-Za-z0-9])[A-Za-z0-9_.-]*?${SECRET_KEY}\\?["']?[ \t]*[=:][ \t]*\\?["']?([^\s"'\\,;<>{}\[\]]{6,})`,
      'gi',
    ),
    keywords: ['pass', 'pwd', 'secret', 'token', 'key', 'credential'],
    allow: isPlaceholder,
  },
  {
    // a kubeconfig's client key (and the certificate that pairs with it), base64 on one line;
    // gitleaks matches neither: they are plain base64 with no vendor prefix
    kind: 'kubeconfig-credential',
    regex: /\b(?:client-key-data|client-certificate-data)["']?[ \t]*:[ \t]*["']?([A-Za-z0-9+/=]{16,})/g,
    keywords: ['client-key-data', 'client-certificate-data'],
  },
  {
    // `Authorization: Basic <base64 of user:password>`: gitleaks has it only after `curl -H`.
    // A word after "Basic" is not a credential: the value must decode to `user:password`.
    kind: 'basic-auth',
    regex: /\bBasic[ \t]+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/gi,
    keywords: ['basic'],
    allow: (f) => !Buffer.from(f.secret, 'base64').toString('latin1').includes(':'),
  },
  {
    // `Authorization: Bearer <token>` whatever the token's format (gitleaks: only after `curl -H`)
    kind: 'bearer-token',
    regex: /\bBearer[ \t]+([A-Za-z0-9._~+/-]{16,}=*)/gi,
    keywords: ['bearer'],
    allow: isPlaceholder,
  },
  {
    // the model providers' keys Bosun itself holds (Anthropic `sk-ant-…`, OpenAI `sk-…`/`sk-proj-…`):
    // gitleaks matches them only at their full current length; a cut or older key must go too
    kind: 'api-key',
    regex: /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g,
    keywords: ['sk-'],
  },
  {
    // the password in `scheme://user:password@host`, also with an empty user (`redis://:pw@host`)
    // and a `/` in the password (`postgres://u:pa/ss@h`); gitleaks has no rule for URLs
    kind: 'connection-string',
    regex: /\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s:/@]*:([^\s@]+)@[^\s@/]/g,
    keywords: ['://'],
    allow: (f) => isPlaceholder(f) || /^\d+\//.test(f.secret), // `host:8080/path@x` is a port, not a password
  },
];
