// One alert's heal, taken apart: the time Bosun spent from the alert's arrival
// to Healed, less what is not Bosun's speed (the rollout the controller-manager
// and the nodes do, and the verification window the RiskPolicy sets). Pure.

/** Moments the bench saw, in ms since the epoch (one machine: the bench's clock is the operator's). */
export interface HealMarks {
  /** the bench posted the firing alert to Alertmanager */
  posted: number;
  /** the Remediation appeared (the intake creates it as the notification arrives) */
  opened?: number;
  /** status.plan first appeared: the healer (rules or the model) had planned, and policy had decided */
  planned?: number;
  /** the Deployment's pod template went back to the good image */
  rollbackApplied?: number;
  /** that rollout completed (kubectl rollout status's rule) */
  rolledOut?: number;
  /** the Remediation's phase was first Verifying */
  verifying?: number;
  /** status.verification.until: the end of the window the RiskPolicy sets */
  verifyUntil?: number;
  /** status.resolvedAt first appeared */
  resolvedSeen?: number;
  /** the Remediation's phase was first Healed */
  healed?: number;
}

export interface HealTiming {
  /** opened → Healed */
  totalMs: number;
  /** rollbackApplied → rolledOut */
  rolloutMs: number;
  /** verifying → verifyUntil */
  windowMs: number;
  /** totalMs less the rollout and the window (their union, within opened → Healed) */
  ownMs: number;
  /** Bosun's own time, in parts: opened → rollbackApplied (diagnosis, plan, policy, the rollback step) */
  toRollbackMs: number;
  /** the first of those parts: opened → planned (diagnosis, the planner, policy; the model call, when it plans) */
  toPlanMs: number;
  /** rolledOut → verifying (Bosun seeing the rollout done; its wait step polls) */
  noticeMs: number;
  /** verifyUntil → healed (judging the heal after the window, and writing Healed) */
  closeMs: number;
  /** posted → opened: Alertmanager's notification delay and the intake */
  intakeMs: number;
  /** how long after the window the alert's resolution was seen (0: within it); Healed waits for it */
  resolvedLateMs: number;
}

export type Interval = readonly [start: number, end: number];

/** The length of the union of `intervals`, each clipped to `span`. */
export function coveredMs(span: Interval, intervals: readonly Interval[]): number {
  const clipped = intervals
    .map(([a, b]): Interval => [Math.max(a, span[0]), Math.min(b, span[1])])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/** The timing of a heal that reached Healed with every mark seen; undefined otherwise. */
export function healTiming(m: HealMarks): HealTiming | undefined {
  const { opened, planned, rollbackApplied, rolledOut, verifying, verifyUntil, healed } = m;
  if (
    opened === undefined ||
    planned === undefined ||
    rollbackApplied === undefined ||
    rolledOut === undefined ||
    verifying === undefined ||
    verifyUntil === undefined ||
    healed === undefined
  )
    return undefined;
  const rollout: Interval = [rollbackApplied, rolledOut];
  const window: Interval = [verifying, verifyUntil];
  const totalMs = healed - opened;
  return {
    totalMs,
    rolloutMs: rolledOut - rollbackApplied,
    windowMs: verifyUntil - verifying,
    ownMs: totalMs - coveredMs([opened, healed], [rollout, window]),
    toRollbackMs: rollbackApplied - opened,
    toPlanMs: planned - opened,
    noticeMs: verifying - rolledOut,
    closeMs: healed - verifyUntil,
    intakeMs: opened - m.posted,
    resolvedLateMs: m.resolvedSeen === undefined ? NaN : Math.max(0, m.resolvedSeen - verifyUntil),
  };
}

/** How fast the heals went through: over the first alert received → the last Healed, the Healed ones per second. */
export interface HealRate {
  /** the first Remediation opened → the last one Healed; undefined when none healed */
  spanMs?: number;
  healsPerSecond?: number;
}

export function healRate(marks: readonly HealMarks[]): HealRate {
  const opened = marks.map((m) => m.opened).filter((t): t is number => t !== undefined);
  const healed = marks.map((m) => m.healed).filter((t): t is number => t !== undefined);
  if (!opened.length || !healed.length) return {};
  const spanMs = Math.max(...healed) - Math.min(...opened);
  return { spanMs, healsPerSecond: spanMs > 0 ? (healed.length * 1000) / spanMs : NaN };
}
