// The router: which model tier a planning task needs. Pure; the ModelProvider
// maps the tier to a model.
//
//   low     typed intents, plan-only runs, one target: the model fills in details
//   medium  free text about one or two targets, or a Remediation of one target
//   high    free text over several targets, or a Remediation with many symptoms:
//           open-ended diagnosis where a weaker model plans badly
//
// A Goal may name its tier (override); the router never picks above it then.
export type Tier = 'low' | 'medium' | 'high';

export interface Task {
  kind: 'Goal' | 'Remediation';
  /** a typed intent (rather than free text) */
  typed: boolean;
  /** how many resources the task names or touches */
  targets: number;
  /** plan-only: nothing will run, so a cheaper plan is enough */
  mode: 'plan-only' | 'auto';
  /** symptoms listed (Remediations) */
  symptoms?: number;
  /** the Goal's own choice */
  override?: Tier;
}

const ORDER: Tier[] = ['low', 'medium', 'high'];
const down = (t: Tier): Tier => ORDER[Math.max(0, ORDER.indexOf(t) - 1)] as Tier;

export function routeTier(task: Task): Tier {
  if (task.override) return task.override;
  let tier: Tier;
  if (task.typed) tier = 'low';
  else if (task.kind === 'Remediation') tier = (task.symptoms ?? 0) > 3 || task.targets > 1 ? 'high' : 'medium';
  else tier = task.targets > 2 ? 'high' : 'medium';
  return task.mode === 'plan-only' ? down(tier) : tier;
}
