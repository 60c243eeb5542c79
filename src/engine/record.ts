// Bosun's own record decides, not what anyone can write: a subject's status is
// a projection of the record Bosun keeps in its etcd (written before the
// status, when Bosun decided). Whoever may write the status subresource (a broad
// role, a GitOps tool, a mistake) cannot set a phase, a plan or an approval and
// have Bosun act on it: a status that disagrees with the record is restored.
import type { z } from 'zod';
import { canonicalJson } from '../api/canonical.js';
import { DECIDING_FIELDS, type PlanStatus } from '../api/v1alpha1/common.js';
import { ConditionType } from '../api/v1alpha1/reasons.js';
import type { ResourceKey, StateStore } from '../store/state-store.js';
import type { PlanSubject } from './subject.js';

const normalize = <S extends PlanStatus>(schema: z.ZodType<S>, s: unknown): S | undefined => {
  const parsed = schema.safeParse(s ?? {});
  return parsed.success ? parsed.data : undefined;
};

const approved = (s: PlanStatus) => s.conditions?.find((c) => c.type === ConditionType.Approved)?.status;

/** The fields in which `observed` differs from Bosun's record; none when they agree. Pure. */
export function tamperedFields<S extends PlanStatus>(observed: unknown, recorded: S, schema: z.ZodType<S>): string[] {
  const o = normalize(schema, observed);
  if (!o) return ['status'];
  const r: PlanStatus = normalize(schema, recorded) ?? {};
  const out: string[] = DECIDING_FIELDS.filter((f) => canonicalJson(o[f]) !== canonicalJson(r[f]));
  if (approved(o) !== approved(r)) out.push('conditions[Approved]');
  return out;
}

/**
 * The status as Bosun recorded it for this very subject (by UID), and the status it was decided from
 * (`prior`); a subject with no record has neither yet.
 */
export async function recordedStatus<S extends PlanStatus>(
  store: Pick<StateStore, 'getSnapshot'>,
  ref: ResourceKey,
  subject: PlanSubject<S>,
  schema: z.ZodType<S>,
): Promise<{ status: S; prior: S }> {
  const record = (await store.getSnapshot(ref)) as { uid?: string; status?: unknown; prior?: unknown } | undefined;
  const none = {} as S;
  if (!record || record.uid !== subject.metadata.uid) return { status: none, prior: none };
  return { status: normalize(schema, record.status) ?? none, prior: normalize(schema, record.prior) ?? none };
}
