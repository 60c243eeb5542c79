// Reading the API server's audit log (JSON lines) from a mark on: the bench
// notes the file's size before a window and reads only what came after it.
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AuditEntry } from './e2e-count.js';

/** The audit log's size now: the mark to read from. */
export const auditMark = (auditLog: string) => statSync(auditLog).size;

/** Calls `onEntry` for every audit entry written after `mark`. */
export async function readAuditSince(auditLog: string, mark: number, onEntry: (e: AuditEntry) => void): Promise<void> {
  const lines = createInterface({ input: createReadStream(auditLog, { start: mark }), crlfDelay: Infinity });
  for await (const line of lines) if (line) onEntry(JSON.parse(line) as AuditEntry);
}
