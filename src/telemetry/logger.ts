// The one pino factory. Loggers are created by the composition root and passed
// down; children carry bindings ({ controller, namespace, name }), never
// user-controlled keys. Secrets are removed twice: by path (`redact`) and by
// value (any string containing a registered secret is masked).
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

const REDACT_PATHS = [
  '*.token',
  '*.password',
  '*.apiKey',
  '*.secret',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
];

const MASK = '[REDACTED]';

/**
 * Where a secret value goes once Bosun has read it (an API key from a Secret, a short-lived token):
 * from then on it never appears in a log line. Register before use, never after.
 */
export interface SecretSink {
  add(value: string): void;
}

/** Values that must never appear in a log line; shared with redaction elsewhere. */
export class SecretMasker implements SecretSink {
  private readonly secrets = new Set<string>();

  /** Registers a secret value (short values are ignored: they would mask ordinary words). */
  add(value: string): void {
    if (value.length >= 8) this.secrets.add(value);
  }

  mask(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(MASK);
    return out;
  }

  get size(): number {
    return this.secrets.size;
  }

  maskDeep(value: unknown, depth = 0): unknown {
    if (this.secrets.size === 0 || depth > 8) return value;
    if (typeof value === 'string') return this.mask(value);
    if (Array.isArray(value)) return value.map((v) => this.maskDeep(v, depth + 1));
    if (value && typeof value === 'object' && !(value instanceof Error)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.maskDeep(v, depth + 1)]));
    }
    if (value instanceof Error) return { type: value.name, message: this.mask(value.message) };
    return value;
  }
}

export interface LoggerOptions {
  level?: string;
  masker?: SecretMasker;
  destination?: DestinationStream;
  base?: Record<string, string>;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const masker = opts.masker;
  return pino(
    {
      level: opts.level ?? 'info',
      base: opts.base ?? { app: 'bosun' },
      redact: { paths: REDACT_PATHS, censor: MASK },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      ...(masker && {
        hooks: {
          logMethod(args, method) {
            const masked = args.map((a) => masker.maskDeep(a)) as Parameters<typeof method>;
            method.apply(this, masked);
          },
        },
      }),
    },
    opts.destination,
  );
}
