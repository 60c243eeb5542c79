// The sandbox's contract with the runner: one stage command in, what became of it out.
// (sandbox.ts re-exports these; they live apart so its helpers can share them without a cycle.)

export interface SandboxLimits {
  /** wall-clock limit: the whole sandbox is killed (SIGKILL) at this */
  timeoutSeconds: number;
  /** CPU time of each process in the sandbox (RLIMIT_CPU: SIGXCPU at this, SIGKILL a second later) */
  cpuSeconds: number;
  /**
   * memory of each process (RLIMIT_DATA: heap and private writable mappings, so a runtime's large
   * address-space reservations do not count); also the size of /tmp and of /dev/shm
   */
  memoryBytes: number;
  /** at most this much of stdout+stderr is kept (the tail) */
  maxOutputBytes: number;
}

export interface SandboxRequest {
  /** argv, run with no shell unless the command itself is a shell */
  command: string[];
  /** the only environment inside (plus PATH unless given here, and HOME=/workspace always) */
  env?: Record<string, string>;
  /** default false: the sandbox has its own network namespace with only a loopback device */
  network?: boolean;
  /** a host directory bound read-write at /workspace; absent: an ephemeral one is made and removed */
  workspace?: string;
  limits: SandboxLimits;
  /** abort = cancel: kill everything in the sandbox now */
  signal?: AbortSignal;
}

export interface SandboxResult {
  /** killed: by a limit (cpu, memory) or a signal */
  outcome: 'exited' | 'timeout' | 'cancelled' | 'killed';
  /** null when a signal ended the command (then `signal` names it) */
  exitCode: number | null;
  signal?: string;
  /** a short human reason: "exceeded 2 s of CPU", "killed after 10 s (timeout)", "cancelled" */
  reason?: string;
  /** the tail of stdout+stderr interleaved as they arrived, at most maxOutputBytes */
  output: string;
  /** contents of /workspace/.bosun/result.json if the command wrote one (at most 4096 bytes) */
  result?: string;
  startedAt: Date;
  finishedAt: Date;
}
