// One process of the local control plane, run under supervise.sh so that it
// never outlives the process that started it. Can be stopped and started again
// with the same arguments (tests restart the API server and etcd).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const supervisor = join(dirname(fileURLToPath(import.meta.url)), 'supervise.sh');

export class Component {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly binary: string,
    private readonly args: string[],
    readonly logPath: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) return;
    const log = openSync(this.logPath, 'a');
    const child = spawn(supervisor, [String(process.pid), this.binary, ...this.args], {
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.child = child;
  }

  /** Graceful stop (TERM, then KILL after 5 s), or an immediate SIGKILL of the component. */
  async stop(opts: { kill?: boolean } = {}): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    if (opts.kill) {
      // kill the component itself, not only its supervisor
      spawn('pkill', ['-KILL', '-P', String(child.pid)]).once('exit', () => child.kill('SIGTERM'));
    } else {
      child.kill('SIGTERM');
    }
    await this.exited;
  }

  /** The last `lines` lines of the component's log. */
  tail(lines = 60): string {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
