// The sandbox as the runner sees it: one stage command in, what became of it out
// (sandbox.ts). `{ run: (req) => runSandboxed(req, opts) }` is a Sandbox; the
// runner's loop is tested with one of its own.
import type { SandboxRequest, SandboxResult } from './sandbox-types.js';

export type { SandboxRequest, SandboxResult } from './sandbox-types.js';

export interface Sandbox {
  run(req: SandboxRequest): Promise<SandboxResult>;
}
