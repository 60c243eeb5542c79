// Failpoints for crash tests (in the manner of etcd's gofail): the operator
// kills itself with SIGKILL at a named point with a given probability.
//   BOSUN_FAILPOINTS="after-intent=0.3,after-tool=0.3,before-status=0.3"
// after-intent: the step's intent is journalled, its tool not yet called;
// after-tool: the tool ran, its result is not journalled; before-status: the
// result is journalled, the Goal's status not yet written; after-model: a
// model's plan is recorded, the Goal's status not yet written.
// Unset in production: every failpoint is then a no-op.
export type Failpoint = 'after-intent' | 'after-tool' | 'before-status' | 'after-model';
export type Crashpoint = (name: Failpoint) => void;

export function parseFailpoints(
  spec: string | undefined,
  random: () => number = Math.random,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
): Crashpoint {
  const odds = new Map<string, number>();
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [name = '', p = '0'] = part.split('=');
    odds.set(name.trim(), Number(p));
  }
  if (!odds.size) return () => {};
  return (name) => {
    const p = odds.get(name) ?? 0;
    if (p > 0 && random() < p) kill();
  };
}
