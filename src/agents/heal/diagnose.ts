// What is wrong with a workload, from its evidence: pure, the clock injected.
// It names one symptom (what the playbooks act on), says in words what is the
// likely cause, and keeps the evidence a person needs to check that, as the
// Remediation's status.diagnosis holds it (≤ 20 findings of ≤ 2048 characters,
// credentials redacted: log lines and Event messages may carry them).
import { Redactor } from '../../redact/index.js';
import type { HealEvidence } from './evidence.js';
import {
  eventFindings,
  logFindings,
  otherPodFindings,
  rolloutFinding,
  troubleFindings,
  workloadFinding,
  type Finding,
} from './findings.js';
import { verdict, type Symptom } from './hypothesis.js';
import { troublesOf, type PodTrouble } from './pod.js';
import { progressDeadlineExceeded, recentRollout, type RecentRollout } from './rollout.js';

export { podTrouble, troublesOf, type PodObject, type PodTrouble, type TroubleKind } from './pod.js';
export { SYMPTOMS, type Symptom } from './hypothesis.js';
export type { Finding } from './findings.js';
export {
  ago,
  currentRevision,
  progressDeadlineExceeded,
  recentRollout,
  RECENT_ROLLOUT_SECONDS,
  targetName,
  type RecentRollout,
} from './rollout.js';

export interface Diagnosis {
  symptom: Symptom;
  findings: Finding[];
  hypothesis: string;
  recentRollout?: RecentRollout;
  /** every troubled container of every pod, the worst first */
  troubles: PodTrouble[];
}

export interface DiagnoseOptions {
  /** a rollout this recent is a suspect (default RECENT_ROLLOUT_SECONDS) */
  recentSeconds?: number;
  /** redacts every finding and the hypothesis (default: the credential patterns alone) */
  redactor?: Redactor;
}

export const MAX_FINDINGS = 20;
export const FINDING_MAX = 2048;
export const SOURCE_MAX = 253;
export const HYPOTHESIS_MAX = 4096;

let credentialRedactor: Redactor | undefined;
const defaultRedactor = () => (credentialRedactor ??= new Redactor());

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** What is wrong with the workload, why, and the evidence for it. */
export function diagnose(evidence: HealEvidence, now: Date, opts: DiagnoseOptions = {}): Diagnosis {
  const redactor = opts.redactor ?? defaultRedactor();
  const clean = (s: string, max: number) => cut(redactor.redact(s).text, max);
  const gaps = evidence.gaps.length ? [{ source: 'evidence gaps', summary: evidence.gaps.join('; ') }] : [];
  const w = evidence.workload;
  if (!w) {
    return {
      symptom: 'Unknown',
      findings: [{ source: 'target', summary: 'the target does not exist' }, ...gaps],
      hypothesis: 'The target does not exist (any more): there is nothing to heal.',
      troubles: [],
    };
  }
  const troubles = evidence.pods.flatMap((p) => troublesOf(p, now));
  const rollout = recentRollout(evidence, now, opts.recentSeconds);
  const { symptom, hypothesis } = verdict(evidence, w, troubles, rollout, now);
  const stuck = w.kind === 'Deployment' ? progressDeadlineExceeded(w) : undefined;
  const limitRange =
    symptom === 'OOMKilled'
      ? [
          {
            source: 'limitranges',
            summary: evidence.limitRangeMaxMemory
              ? `a container may have at most ${evidence.limitRangeMaxMemory} of memory in this namespace`
              : 'no LimitRange caps container memory in this namespace',
          },
        ]
      : [];
  const findings = [
    workloadFinding(w, stuck),
    ...gaps,
    ...troubleFindings(troubles),
    ...otherPodFindings(evidence.pods),
    ...rolloutFinding(evidence, rollout, now),
    ...limitRange,
    ...logFindings(evidence),
    ...eventFindings(evidence),
  ]
    .slice(0, MAX_FINDINGS)
    .map((f) => ({ source: clean(f.source, SOURCE_MAX), summary: clean(f.summary, FINDING_MAX) }));
  return {
    symptom,
    findings,
    hypothesis: clean(hypothesis, HYPOTHESIS_MAX),
    ...(rollout && { recentRollout: rollout }),
    troubles,
  };
}
