// What the model planner is asked, as each planning kind puts it: the request
// in words, what decides the plan (for its cache), and the words a person reads
// when the model cannot plan.
import type { Task } from './router.js';

/** What the model is asked, as the subject's kind puts it. */
export interface ModelAsk {
  kind: Task['kind'];
  /** what the plan is to do, in words: a free-text goal, an issue and its diagnosis */
  text: string;
  /** the parts of the spec that decide the plan: the plan cache's key */
  decides: Record<string, unknown>;
  /** a typed request (the router picks a lower tier for it) */
  typed: boolean;
  /** symptoms reported (a Remediation's): the router picks a higher tier for many */
  symptoms?: number;
  /** what a person can do instead when the model cannot plan: "use a typed spec.intent" */
  instead: string;
  /** how to ask differently: "rephrase spec.goal" */
  rephrase: string;
}
