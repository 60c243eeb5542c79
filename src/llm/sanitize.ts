// What a model writes for people (a plan's reasoning, each step's description
// and reasoning, the undo text in it) reaches status, Events, the Approval and
// a terminal. Terminal escapes, carriage returns, backspaces and bidi
// overrides there can hide the real tool and risk from an approver, so they
// are removed, and each text is bounded to the field it ends up in, whole:
// cut by Bosun with an ellipsis rather than by a later `.slice` that hides its tail.
import type { ExecutionPlan } from '../api/v1alpha1/plan.js';
import { APPROVAL_SUMMARY_MAX } from '../api/v1alpha1/plan.js';
import { normalizeText } from './normalize.js';

/**
 * Terminal escape sequences, 7- and 8-bit: CSI (cursor moves, erase, colours, hidden text), OSC (titles,
 * OSC 8 links) up to BEL or ST, DCS/SOS/PM/APC strings up to ST, and two-character ESC sequences. The
 * bodies are negated classes, so an unterminated sequence costs one scan, not a quadratic one.
 */
const ESCAPES = new RegExp(
  [
    '(?:\\u001b\\[|\\u009b)[0-?]*[ -/]*[@-~]',
    '(?:\\u001b\\]|\\u009d)[^\\u0007\\u001b\\u009c]*(?:\\u0007|\\u001b\\\\|\\u009c)',
    '(?:\\u001b[PX^_]|[\\u0090\\u0098\\u009e\\u009f])[^\\u001b\\u009c]*(?:\\u001b\\\\|\\u009c)',
    '\\u001b[ -/]*[0-~]',
  ].join('|'),
  'g',
);

/** Terminal escape sequences and control characters removed; everything else as it is. */
export const stripTerminalEscapes = (s: string): string => normalizeText(s.replace(ESCAPES, ''));

/** At most `max` UTF-16 units, an ellipsis marking a cut, never half a surrogate pair. */
export function bound(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export interface SanitizeOptions {
  /** a one-line field (a step's description, shown as one line of a numbered list): whitespace runs become one space */
  singleLine?: boolean;
}

/**
 * Text a model wrote, safe to show: escape sequences and control characters (but newline) removed, bidi and
 * zero-width characters removed, NFKC, trailing spaces and runs of blank lines collapsed, at most `maxLength`.
 */
export function sanitizeModelText(s: string, maxLength: number, opts: SanitizeOptions = {}): string {
  const clean = stripTerminalEscapes(s).replace(/\t/g, ' ');
  const shaped = opts.singleLine
    ? clean.replace(/\s+/g, ' ').trim()
    : clean
        .replace(/[ ]+$/gm, '')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
  return bound(shaped, maxLength);
}

/** Where each model-written text ends up, and so how long it may be. */
export const PLAN_TEXT_LIMITS = {
  /** ExecutionPlan.reasoning and the Goal's status.plan.reasoning */
  planReasoning: 4096,
  /** shown whole as the Approval's step summary (ExecutionStep and status allow 1024) */
  stepDescription: APPROVAL_SUMMARY_MAX,
  /** ExecutionStep.reasoning and status.plan.steps[].reasoning; the runbook's undo text comes from it */
  stepReasoning: 2048,
} as const;

/** The plan with every text the model wrote for people sanitised (tools, params, risk and `when` untouched). */
export function sanitizePlan<P extends ExecutionPlan>(plan: P): P {
  return {
    ...plan,
    reasoning: sanitizeModelText(plan.reasoning, PLAN_TEXT_LIMITS.planReasoning),
    steps: plan.steps.map((s) => ({
      ...s,
      description: sanitizeModelText(s.description, PLAN_TEXT_LIMITS.stepDescription, { singleLine: true }),
      ...(s.reasoning !== undefined && {
        reasoning: sanitizeModelText(s.reasoning, PLAN_TEXT_LIMITS.stepReasoning),
      }),
    })),
  };
}
