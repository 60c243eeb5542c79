// Runs one step of a plan with the journal around it: intent recorded in etcd
// (keyed by resource UID, plan hash, step and attempt) before the side effect,
// result recorded after. A step whose result is recorded is never run again;
// a step with only an intent (a crash in between) is run again, which the
// tools make harmless (each is idempotent for its step). What a tool is given
// to make it so (start time, idempotency key) comes from a record written once
// per step, at its first attempt: a retry or a restart gets the same values, so
// a rollout restart whose first PATCH landed sets the same annotation again.
// Every request the tool makes carries the step in its User-Agent, for the
// API server's audit log. Leadership is asked again right before every journal
// write and every write request of the tool, so a replica paused past its renew
// deadline anywhere in a step sends nothing when it resumes.
import { BosunError, errorMessage, type ErrorCode } from '../api/errors.js';
import type { ExecutionStep } from '../api/v1alpha1/plan.js';
import type { StateStore, JournalKey } from '../store/state-store.js';
import { stepId } from '../store/state-store.js';
import type { Gate, ToolRegistry } from '../tools/registry.js';
import type { ToolContext } from '../tools/tool.js';
import type { Crashpoint } from './failpoints.js';

export interface ExecutorDeps {
  store: StateStore;
  registry: ToolRegistry;
  /** false once this replica is no longer the leader: no side effect or store write may start */
  fence: () => boolean;
  crashpoint?: Crashpoint;
}

export interface StepRequest {
  uid: string;
  planHash: string;
  index: number;
  attempt: number;
  step: Pick<ExecutionStep, 'tool' | 'params'>;
  gate: Gate;
  /** writes (the executor identity for mutating tools) */
  client: ToolContext['client'];
  /** reads, as Bosun */
  reader: ToolContext['reader'];
  mapper: ToolContext['mapper'];
  namespace: string;
}

export type StepOutcome =
  | { kind: 'succeeded'; summary: string; data?: Record<string, unknown>; startedAt: string }
  | { kind: 'pending'; summary: string; requeueAfterMs: number; startedAt: string }
  | { kind: 'failed'; message: string; code?: ErrorCode; retryable: boolean; startedAt: string };

/** Failures worth another attempt: the API server was unreachable or busy, or a write raced. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['BOSUN_ERR_KUBE_UNAVAILABLE', 'BOSUN_ERR_KUBE_CONFLICT']);

const recorded = (
  r: unknown,
): { summary?: string; data?: Record<string, unknown>; message?: string; code?: ErrorCode; retryable?: boolean } =>
  (r && typeof r === 'object' ? r : {}) as never;

export async function runStep(deps: ExecutorDeps, req: StepRequest): Promise<StepOutcome> {
  const key: JournalKey = { uid: req.uid, planHash: req.planHash, step: req.index, attempt: req.attempt };
  const stepKey = { uid: req.uid, planHash: req.planHash, step: req.index };
  const existing = await deps.store.getJournalEntry(key);
  if (existing?.state === 'succeeded') {
    const r = recorded(existing.result);
    return { kind: 'succeeded', summary: r.summary ?? '', data: r.data, startedAt: existing.createdAt };
  }
  if (existing?.state === 'failed') {
    const r = recorded(existing.result);
    return {
      kind: 'failed',
      message: r.message ?? 'failed',
      code: r.code,
      retryable: r.retryable ?? false,
      startedAt: existing.createdAt,
    };
  }
  const fenced = (what: string) => {
    if (!deps.fence()) throw new BosunError('BOSUN_ERR_NOT_LEADER', `not the leader any more: ${what} not sent`);
  };
  const intent = { tool: req.step.tool, params: req.step.params };
  fenced('step record');
  const first = await deps.store.openStep(stepKey, intent);
  fenced('journal intent');
  const entry = existing ?? (await deps.store.createJournalEntry(key, intent)).entry;
  deps.crashpoint?.('after-intent');
  fenced('tool call');

  const id = stepId(stepKey);
  let result;
  try {
    result = await deps.registry.invoke(req.step, req.gate, {
      client: req.client.withUserAgent(`${req.client.userAgent} step=${id}`).withWriteGuard(() => fenced('tool write')),
      reader: req.reader,
      mapper: req.mapper,
      namespace: req.namespace,
      idempotencyKey: id,
      stepStartedAt: first.startedAt,
    });
    if (req.attempt === 1) deps.crashpoint?.('lost-answer');
  } catch (err) {
    const code = err instanceof BosunError ? err.code : undefined;
    const cause = err instanceof BosunError && err.cause instanceof BosunError ? err.cause.code : undefined;
    const retryable = (code !== undefined && RETRYABLE.has(code)) || (cause !== undefined && RETRYABLE.has(cause));
    const message = errorMessage(err);
    // the fence stopped a write: no result is recorded, the next leader runs the step again
    if (code === 'BOSUN_ERR_NOT_LEADER' || cause === 'BOSUN_ERR_NOT_LEADER')
      throw new BosunError('BOSUN_ERR_NOT_LEADER', message, { cause: err });
    fenced('journal result');
    await deps.store.completeJournalEntry(key, 'failed', { message, code, retryable });
    return { kind: 'failed', message, code, retryable, startedAt: entry.createdAt };
  }
  if (result.done === false) {
    // still waiting: the intent stays open and the check runs again on the next reconcile
    return {
      kind: 'pending',
      summary: result.summary,
      requeueAfterMs: result.requeueAfterMs ?? 1000,
      startedAt: entry.createdAt,
    };
  }
  deps.crashpoint?.('after-tool');
  fenced('journal result');
  await deps.store.completeJournalEntry(key, 'succeeded', { summary: result.summary, data: result.data });
  return { kind: 'succeeded', summary: result.summary, data: result.data, startedAt: entry.createdAt };
}
