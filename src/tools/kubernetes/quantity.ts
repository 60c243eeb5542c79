// Kubernetes resource quantities (512Mi, 1.5Gi, 1e9, 500M) as bytes and back:
// pure. Memory limits are compared, multiplied and capped as numbers; what is
// written back is a whole number of Mi (or Gi), as people write them.
import { z } from 'zod';

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

// the API server's grammar: a signed decimal number, then a binary or decimal suffix or an exponent
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** A quantity in bytes (fractions allowed: 0.5Gi); undefined when it is not a quantity. */
export function parseQuantity(q: string): number | undefined {
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  const factor = BINARY[suffix] ?? DECIMAL[suffix] ?? (/^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : NaN);
  const bytes = n * factor;
  return Number.isFinite(bytes) ? bytes : undefined;
}

const MI = 2 ** 20;
const GI = 2 ** 30;

/** Bytes as a memory quantity, rounded up to a whole Mi (whole Gi written as such). */
export function formatMemory(bytes: number): string {
  const mi = Math.ceil(bytes / MI);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/** The most memory a tool will set: far above any node, so a typo (512Ti) is refused, not written. */
export const MEMORY_MAX_BYTES = 16 * 2 ** 40;

/** A memory quantity param: positive, at most 16Ti, in the API server's grammar. */
export const MemoryQuantity = z
  .string()
  .min(1)
  .max(32)
  .refine((q) => {
    const b = parseQuantity(q);
    return b !== undefined && b >= MI && b <= MEMORY_MAX_BYTES;
  }, 'must be a memory quantity between 1Mi and 16Ti, for example 512Mi or 2Gi')
  .describe('a memory quantity, for example 512Mi or 2Gi');

export { GI, MI };
