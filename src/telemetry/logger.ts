// The one pino factory. Loggers are created by the composition root and passed
// down; children carry bindings ({ controller, namespace, name }), never
// user-controlled keys. Secrets are removed three ways: by path (pino's `redact`), by field
// (any key named like a credential, at any depth), and by value in every string (registered
// secrets in all their variants, and the credential patterns of src/redact).
import { pino, type Logger, type DestinationStream } from 'pino';
import { Redactor, redactValue } from '../redact/index.js';

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

/**
 * Values that must never appear in a log line, and the credential formats that must not either: the
 * same redaction as the model prompt's, with the logger's one placeholder.
 */
export class SecretMasker implements SecretSink {
  private readonly redactor = new Redactor(undefined, { minSecretLength: 8, placeholder: () => MASK });

  /** Registers a secret value (short values are ignored: they would mask ordinary words). */
  add(value: string): void {
    this.redactor.addSecret(value);
  }

  mask(text: string): string {
    return this.redactor.redact(text).text;
  }

  get size(): number {
    return this.redactor.secretCount;
  }

  /** A copy with credential-named fields replaced and every string masked; Errors become { type, message }. */
  maskDeep(value: unknown, _depth = 0): unknown {
    return redactValue(value, this.redactor);
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
