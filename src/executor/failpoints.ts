// Failpoints for crash tests (in the manner of etcd's gofail): the operator
// kills itself with SIGKILL at a named point with a given probability.
//   BOSUN_FAILPOINTS="after-intent=0.3,after-tool=0.3,before-status=0.3"
// after-intent: the step's intent is journalled, its tool not yet called;
// after-tool: the tool ran, its result is not journalled; before-status: the
// result is journalled, the Goal's status not yet written; after-model: a
// model's plan is recorded, the Goal's status not yet written.
// lost-answer does not kill: the tool of a step's first attempt ran, and its
// answer is lost as if the connection had timed out (a retryable error), so
// the step is tried again although its requests landed.
// A failpoint set to `stop` (after-tool=stop) freezes the process with SIGSTOP
// the first time it is reached, as a long pause would: a test resumes it with
// SIGCONT.
// Unset in production: every failpoint is then a no-op.
import { BosunError } from '../api/errors.js';

export type Failpoint = 'after-intent' | 'after-tool' | 'before-status' | 'after-model' | 'lost-answer';
export type Crashpoint = (name: Failpoint) => void;

/** Failpoints that throw this instead of killing the process. */
const THROWN: Partial<Record<Failpoint, () => Error>> = {
  'lost-answer': () =>
    new BosunError('BOSUN_ERR_KUBE_UNAVAILABLE', 'failpoint lost-answer: the tool ran, and its answer timed out'),
};

export function parseFailpoints(
  spec: string | undefined,
  random: () => number = Math.random,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
  freeze: () => void = () => process.kill(process.pid, 'SIGSTOP'),
): Crashpoint {
  const odds = new Map<string, number>();
  const stops = new Set<string>();
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [name = '', p = '0'] = part.split('=');
    if (p.trim() === 'stop') stops.add(name.trim());
    else odds.set(name.trim(), Number(p));
  }
  if (!odds.size && !stops.size) return () => {};
  return (name) => {
    if (stops.delete(name)) return freeze();
    const p = odds.get(name) ?? 0;
    if (!(p > 0 && random() < p)) return;
    const thrown = THROWN[name];
    if (thrown) throw thrown();
    kill();
  };
}
