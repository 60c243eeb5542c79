// The sandbox as the runner sees it: one stage command in, what became of it out. These
// mirror sandbox.ts's SandboxRequest and SandboxResult (written beside the runner, not imported,
// so the runner's loop can be built and tested on its own); `{ run: (req) => runSandboxed(req, opts) }`
// is a Sandbox. Once both are in one tree, these may become re-exports of sandbox.ts.
import type { Outcome } from './protocol.js';

/** What the runner's sandbox answers for one command (sandbox.ts's SandboxResult). */
export interface SandboxResult {
  outcome: Outcome;
  exitCode: number | null;
  signal?: string;
  reason?: string;
  output: string;
  result?: string;
  startedAt: Date;
  finishedAt: Date;
}

export interface SandboxRequest {
  command: string[];
  env?: Record<string, string>;
  network?: boolean;
  workspace?: string;
  limits: { timeoutSeconds: number; cpuSeconds: number; memoryBytes: number; maxOutputBytes: number };
  signal?: AbortSignal;
}

export interface Sandbox {
  run(req: SandboxRequest): Promise<SandboxResult>;
}
