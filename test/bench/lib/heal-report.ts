// The heal bench's figures, and how run.ts prints them: each planner's run of
// the same alerts, their figures side by side on one row each, then all of
// them for the JSON line. Pure.
import { operatorLine, type OperatorFigures } from './heal-operator.js';
import type { HealRate, HealTiming } from './heal-timings.js';
import type { HealPlanner } from './heal-workloads.js';
import { round, type summary } from './stats.js';

export type Summary = ReturnType<typeof summary>;

export interface HealFigures extends HealRate {
  /** how the Remediations Bosun opened planned (RiskPolicy spec.heal.planner) */
  planner: HealPlanner;
  alerts: number;
  healed: number;
  /** how the heals that did not reach Healed ended (their last phase) */
  notHealed: Record<string, number>;
  verifySeconds: number;
  /** the time between two alerts: the rate they came at */
  gapMs: number;
  /** the run's time in all: its set-up (Deployments rolled out, then crash-looping), the warm-up, the heals */
  elapsedMs?: number;
  own: Summary;
  total: Summary;
  rollout: Summary;
  window: Summary;
  /** the parts of `own`: alert → rollback applied, rollout done → Verifying, window end → Healed */
  toRollback: Summary;
  notice: Summary;
  close: Summary;
  /** the first part of `toRollback`: alert → the plan exists (with the model, where its call sits) */
  toPlan: Summary;
  /** the bench's post to Alertmanager → the Remediation */
  intake: Summary;
  /** heals whose alert's resolution was seen after the window */
  resolvedLate: number;
  resolvedLateMax: number;
  /** the Remediation as the watch saw it, less its creationTimestamp (whole seconds) */
  creationSkew: Summary;
  /** requests the model was sent for the measured heals (the model run only) */
  modelCalls?: number;
  warmUp?: HealTiming;
  /** the operator's own account of the run (its Remediation controller, its API requests, its etcd) */
  operator?: OperatorFigures;
}

const LABEL: Record<HealPlanner, string> = { rules: 'rules', llm: 'model' };
/** run.ts's JSON keys: the rules' as they always were, the model's beside them */
const PREFIX: Record<HealPlanner, string> = { rules: 'heal', llm: 'heal_model' };

const ms = (s: Summary) => `p50 ${round(s.p50)} ms, p99 ${round(s.p99)} ms (min ${round(s.min)}, max ${round(s.max)})`;

/** One row: `what`, then each run's figure after its planner's name. */
const row = (runs: readonly HealFigures[], what: string, figure: (f: HealFigures) => string) =>
  `  ${what}: ${runs.map((f) => `${LABEL[f.planner]} ${figure(f)}`).join(' | ')}`;

/** The phase's lines, as run.ts prints them: one row per figure, each run's beside the others'. */
export function healLines(runs: readonly HealFigures[]): string[] {
  const first = runs[0];
  if (!first) return [];
  const healed = runs.map((f) => `${LABEL[f.planner]} ${f.healed} of ${f.alerts}`).join(', ');
  const lines = [
    `heal, ${first.alerts} alerts per planner, ${first.gapMs} ms apart (verifySeconds ${first.verifySeconds}), ` +
      `Healed: ${healed}`,
    row(runs, "Bosun's own time (alert received → Healed, less the rollout and the verification window)", (f) =>
      ms(f.own),
    ),
    row(runs, 'received → Healed', (f) => ms(f.total)),
    row(runs, 'the rollouts', (f) => ms(f.rollout)),
    row(runs, 'the window (whole seconds)', (f) => ms(f.window)),
    row(runs, "Bosun's parts: received → rollback applied", (f) => ms(f.toRollback)),
    row(runs, '  of it, received → plan exists (with the model: where its call sits)', (f) => ms(f.toPlan)),
    row(runs, "Bosun's parts: rollout done → Verifying", (f) => ms(f.notice)),
    row(runs, "Bosun's parts: window end → Healed", (f) => ms(f.close)),
    row(runs, "Alertmanager → intake (the bench's post → the Remediation, not counted)", (f) => ms(f.intake)),
    row(runs, 'watch − creationTimestamp', (f) => ms(f.creationSkew)),
    row(
      runs,
      'alert resolution seen after the window',
      (f) => `${f.resolvedLate} of ${f.healed}` + (f.resolvedLate ? ` (up to ${round(f.resolvedLateMax)} ms)` : ''),
    ),
  ];
  lines.push(
    row(runs, 'throughput, first alert received → last Healed (window and rollouts in it)', (f) =>
      f.healsPerSecond === undefined
        ? 'none healed'
        : `${round(f.healsPerSecond, 2)} Remediations/s (${f.healed} in ${round((f.spanMs ?? NaN) / 1000)} s; ` +
          `alerts came at ${round(1000 / f.gapMs, 2)}/s)`,
    ),
  );
  if (runs.some((f) => f.warmUp))
    lines.push(
      row(runs, "warm-up heal (not counted), Bosun's own time", (f) =>
        f.warmUp ? `${round(f.warmUp.ownMs)} ms` : 'did not heal',
      ),
    );
  for (const f of runs)
    if (f.modelCalls !== undefined)
      lines.push(`  ${LABEL[f.planner]} calls for the measured heals: ${f.modelCalls} for ${f.alerts} alerts`);
  if (runs.some((f) => Object.keys(f.notHealed).length))
    lines.push(row(runs, 'not Healed, by phase (reason)', (f) => JSON.stringify(f.notHealed)));
  if (runs.some((f) => f.operator))
    lines.push(
      row(runs, "the operator's metrics since its start (Remediation controller; all API requests; its CPU)", (f) => {
        return f.operator ? operatorLine(f.operator) : 'not read';
      }),
    );
  if (runs.some((f) => f.elapsedMs !== undefined))
    lines.push(row(runs, "the run's time in all (set-up included)", (f) => `${round((f.elapsedMs ?? NaN) / 1000)} s`));
  return lines;
}

/** The figures for run.ts's JSON line: the rules' keys as before (heal_*), the model's as heal_model_*. */
export function healJson(runs: readonly HealFigures[]): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const f of runs) {
    const p = PREFIX[f.planner];
    Object.assign(json, {
      [`${p}_alerts`]: f.alerts,
      [`${p}_healed`]: f.healed,
      [`${p}_verify_seconds`]: f.verifySeconds,
      [`${p}_resolved_after_window`]: f.resolvedLate,
      [`${p}_gap_ms`]: f.gapMs,
    });
    if (f.healsPerSecond !== undefined) json[`${p}_per_s`] = round(f.healsPerSecond, 3);
    if (f.spanMs !== undefined) json[`${p}_span_ms`] = round(f.spanMs);
    if (f.elapsedMs !== undefined) json[`${p}_elapsed_ms`] = round(f.elapsedMs);
    if (f.modelCalls !== undefined) json[`${p}_calls`] = f.modelCalls;
    const put = (key: string, s: Summary) => {
      for (const stat of ['p50', 'p99', 'min', 'max'] as const) json[`${p}_${key}_${stat}_ms`] = round(s[stat]);
    };
    put('own', f.own);
    put('total', f.total);
    put('rollout', f.rollout);
    put('window', f.window);
    put('to_rollback', f.toRollback);
    put('to_plan', f.toPlan);
    put('rollout_noticed', f.notice);
    put('window_to_healed', f.close);
    put('alertmanager_to_intake', f.intake);
  }
  return json;
}
