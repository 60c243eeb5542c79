// A GitHub push, decided (pure): the fields of the payload Bosun reads (and no
// other), which Pipelines it starts a run of, and each run as it is created:
// named after its Pipeline and commit (so a second delivery of the same push
// finds it), requested by the Pipeline's trigger ServiceAccount, never Bosun.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { boundedName, type Requester } from '../api/v1alpha1/common.js';
import { API_VERSION } from '../api/v1alpha1/kinds.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import type { PipelineRunSpec } from '../api/v1alpha1/pipeline-run.js';
import { BranchName, type Pipeline } from '../api/v1alpha1/pipeline.js';
import { branchOfRef, branchTriggers } from './github-branches.js';

/** The part of a push event's payload Bosun reads; everything else in it is ignored. */
export const PushPayload = z.object({
  ref: z.string().min(1).max(512),
  after: z.string().regex(/^[0-9a-f]{40}$/, 'must be a commit SHA (40 hex digits)'),
  deleted: z.boolean().default(false),
  repository: z.object({ full_name: z.string().min(3).max(256) }),
  sender: z.object({ login: z.string().min(1).max(256) }).optional(),
});
export type PushPayload = z.infer<typeof PushPayload>;

export const LABEL_PIPELINE = 'bosun.dev/pipeline';
export const ANNOTATION_DELIVERY = 'bosun.dev/github-delivery';
export const ANNOTATION_PUSHER = 'bosun.dev/github-pusher';

export type PipelineRunObject = KubeObject & { metadata: { name: string; namespace: string }; spec: PipelineRunSpec };

export interface Skipped {
  /** namespace/name */
  pipeline: string;
  reason: 'BranchFiltered' | 'BranchUnsupported' | 'PipelineDeleting' | 'RunRefused' | 'RunNameTaken';
  message: string;
}

export type PushDecision =
  | { runs: PipelineRunObject[]; skipped: Skipped[] }
  | { status: 202 | 404; reason: string; message: string; skipped: Skipped[] };

const ZERO_SHA = '0'.repeat(40);
const SHORT_SHA = 7;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * `<pipeline>-<first 7 of the commit>`, a DNS label of 63 characters at most: a Pipeline name too long for
 * that, or with dots, is shortened (dots become -) and keeps a hash of the whole name, so two Pipelines of a
 * namespace never share a run name.
 */
export function runName(pipeline: string, sha: string): string {
  const room = 63 - 1 - SHORT_SHA;
  let base = pipeline;
  if (!LABEL.test(pipeline) || pipeline.length > room) {
    const hash = createHash('sha256').update(pipeline).digest('hex').slice(0, 8);
    const head = pipeline
      .replace(/\./g, '-')
      .slice(0, room - hash.length - 1)
      .replace(/-+$/, '');
    base = head ? `${head}-${hash}` : hash;
  }
  return `${base}-${sha.slice(0, SHORT_SHA)}`;
}

/** A ServiceAccount as the API server authenticates it. */
export const serviceAccountRequester = (namespace: string, name: string): Requester => ({
  username: `system:serviceaccount:${namespace}:${name}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
});

const keyOf = (p: Pipeline) => `${p.metadata.namespace ?? ''}/${p.metadata.name}`;

/** The run a push starts of one Pipeline. */
export function pushRun(pipeline: Pipeline, push: PushPayload, branch: string, delivery: string): PipelineRunObject {
  const namespace = pipeline.metadata.namespace ?? '';
  const login = push.sender?.login.slice(0, 100);
  return {
    apiVersion: API_VERSION,
    kind: 'PipelineRun',
    metadata: {
      name: runName(pipeline.metadata.name, push.after),
      namespace,
      labels: { [LABEL_PIPELINE]: boundedName(pipeline.metadata.name, 63) },
      annotations: { [ANNOTATION_DELIVERY]: delivery, ...(login && { [ANNOTATION_PUSHER]: login }) },
    },
    spec: {
      pipelineRef: { name: pipeline.metadata.name },
      revision: push.after,
      branch,
      trigger: { type: 'webhook', event: 'push' },
      mode: 'auto',
      requester: serviceAccountRequester(namespace, pipeline.spec.trigger.serviceAccountName),
    },
  };
}

function decideOne(
  pipeline: Pipeline,
  push: PushPayload,
  branch: string,
  delivery: string,
): { run: PipelineRunObject } | { skip: Skipped } {
  const at = keyOf(pipeline);
  if (pipeline.metadata.deletionTimestamp)
    return { skip: { pipeline: at, reason: 'PipelineDeleting', message: 'the Pipeline is being deleted' } };
  const { branches } = pipeline.spec.trigger;
  if (!branchTriggers(branches, pipeline.spec.source.branch, branch)) {
    const wanted = branches.length ? `spec.trigger.branches (${branches.join(', ')})` : pipeline.spec.source.branch;
    const message = `a push to ${branch} starts no run of this Pipeline: it runs for ${wanted}`;
    return { skip: { pipeline: at, reason: 'BranchFiltered', message } };
  }
  if (!BranchName.safeParse(branch).success) {
    const message = 'the branch name has characters a run cannot record (letters, digits, . _ - and / only)';
    return { skip: { pipeline: at, reason: 'BranchUnsupported', message } };
  }
  return { run: pushRun(pipeline, push, branch, delivery) };
}

/** What a push does: a run of each Pipeline of its repository that takes its branch, or why none. */
export function decidePush(push: PushPayload, pipelines: readonly Pipeline[], delivery: string): PushDecision {
  const repo = push.repository.full_name.toLowerCase();
  const mine = pipelines.filter((p) => p.spec.source.github?.toLowerCase() === repo);
  if (!mine.length) {
    const message = `no Pipeline has spec.source.github: ${push.repository.full_name.slice(0, 256)}`;
    return { status: 404, reason: 'UnknownRepository', message, skipped: [] };
  }
  if (push.deleted || push.after === ZERO_SHA)
    return { status: 202, reason: 'BranchDeleted', message: 'a deleted branch or tag starts no run', skipped: [] };
  const branch = branchOfRef(push.ref);
  if (!branch) {
    const tag = push.ref.startsWith('refs/tags/');
    const [reason, message] = tag
      ? ['TagPush', 'a pushed tag starts no run: runs start from pushes to branches']
      : ['NotABranch', 'only pushes to refs/heads/<branch> start runs'];
    return { status: 202, reason, message, skipped: [] };
  }
  const decided = mine
    .slice()
    .sort((a, b) => keyOf(a).localeCompare(keyOf(b)))
    .map((p) => decideOne(p, push, branch, delivery));
  const runs = decided.flatMap((d) => ('run' in d ? [d.run] : []));
  const skipped = decided.flatMap((d) => ('skip' in d ? [d.skip] : []));
  if (runs.length) return { runs, skipped };
  const first = skipped[0];
  const same = first && skipped.every((s) => s.reason === first.reason);
  return same
    ? { status: 202, reason: first.reason, message: first.message, skipped }
    : { status: 202, reason: 'NoRunStarted', message: 'no Pipeline of this repository takes this push', skipped };
}

/** Whether a run found under the name is this push's run: of the same Pipeline, at the same commit. */
export function sameRun(found: unknown, wanted: PipelineRunObject): boolean {
  const spec = (found as { spec?: { pipelineRef?: { name?: unknown }; revision?: unknown } } | undefined)?.spec;
  const revision = typeof spec?.revision === 'string' ? spec.revision : '';
  return (
    spec?.pipelineRef?.name === wanted.spec.pipelineRef.name &&
    revision.length >= SHORT_SHA &&
    wanted.spec.revision.startsWith(revision)
  );
}
