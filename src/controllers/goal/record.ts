// Bosun's own record decides, not what anyone can write: a Goal's status is a
// projection of the record Bosun keeps in its etcd (written before the status,
// when Bosun decided). Whoever may write goals/status (a broad role, a GitOps
// tool, a mistake) cannot set a phase, a plan or an approval and have Bosun
// act on it: a status that disagrees with the record is restored from it.
import { canonicalJson } from '../../api/canonical.js';
import { DECIDING_FIELDS } from '../../api/v1alpha1/common.js';
import { ConditionType } from '../../api/v1alpha1/reasons.js';
import { GoalStatus, type Goal } from '../../api/v1alpha1/goal.js';
import type { ResourceKey, StateStore } from '../../store/state-store.js';

const normalize = (s: unknown) => {
  const parsed = GoalStatus.safeParse(s ?? {});
  return parsed.success ? parsed.data : undefined;
};

const approved = (s: GoalStatus) => s.conditions?.find((c) => c.type === ConditionType.Approved)?.status;

/** The fields in which `observed` differs from Bosun's record; none when they agree. Pure. */
export function tamperedFields(observed: unknown, recorded: GoalStatus): string[] {
  const o = normalize(observed);
  if (!o) return ['status'];
  const r = normalize(recorded) ?? {};
  const out: string[] = DECIDING_FIELDS.filter((f) => canonicalJson(o[f]) !== canonicalJson(r[f]));
  if (approved(o) !== approved(r)) out.push('conditions[Approved]');
  return out;
}

/**
 * The status as Bosun recorded it for this very Goal (by UID), and the status it was decided from
 * (`prior`); a Goal with no record has neither yet.
 */
export async function recordedStatus(
  store: Pick<StateStore, 'getSnapshot'>,
  ref: ResourceKey,
  goal: Goal,
): Promise<{ status: GoalStatus; prior: GoalStatus }> {
  const record = (await store.getSnapshot(ref)) as { uid?: string; status?: unknown; prior?: unknown } | undefined;
  if (!record || record.uid !== goal.metadata.uid) return { status: {}, prior: {} };
  return { status: normalize(record.status) ?? {}, prior: normalize(record.prior) ?? {} };
}
