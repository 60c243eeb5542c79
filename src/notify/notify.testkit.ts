// What the notify tests share: a Pipeline and a run of it whose report stage
// is running, with stages that ended every way.
import { Pipeline } from '../api/v1alpha1/pipeline.js';
import { PipelineRun, type StageStatus } from '../api/v1alpha1/pipeline-run.js';

export const SHA = '3f9c2ab0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6';
export const DIGEST = `registry.example/web@sha256:${'ab12'.repeat(16)}`;

export const samplePipeline = (o: { status?: Record<string, unknown>; github?: string } = {}) =>
  Pipeline.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'web', namespace: 'demo', uid: 'p-1' },
    spec: {
      source: { repo: 'https://github.com/acme/web.git', github: o.github ?? 'acme/payments' },
      stages: [
        { name: 'lint', agent: 'lint' },
        { name: 'test', agent: 'test' },
        { name: 'build', agent: 'build' },
        { name: 'security', agent: 'security', dependsOn: ['build'] },
      ],
      build: { image: 'registry.example/web' },
      finally: [
        { name: 'report', agent: 'report' },
        { name: 'cleanup', agent: 'test' },
      ],
    },
    status: { runs: 0, successCount: 0, failureCount: 0, consecutiveFailures: 0, ...o.status },
  });

export const sampleStages = (): StageStatus[] => [
  { name: 'lint', state: 'Succeeded', attempts: 1, durationSeconds: 9, findings: { lintErrors: 0, lintWarnings: 2 } },
  {
    name: 'test',
    state: 'Failed',
    attempts: 2,
    durationSeconds: 80,
    message: 'exit code 1',
    findings: { testsPassed: 40, testsFailed: 1, failedTests: ['login <redirects> & keeps the session'] },
  },
  { name: 'build', state: 'Succeeded', attempts: 1, durationSeconds: 61, findings: { image: DIGEST } },
  { name: 'security', state: 'Skipped', attempts: 0, message: 'build did not succeed (Failed)' },
  { name: 'cleanup', state: 'Running', attempts: 1, finally: true },
  { name: 'report', state: 'Running', attempts: 1, finally: true },
];

export const sampleRun = (stages: StageStatus[] = sampleStages(), spec: Record<string, unknown> = {}) =>
  PipelineRun.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'PipelineRun',
    metadata: { name: 'web-3f9c2ab', namespace: 'demo', uid: 'run-uid-1' },
    spec: { pipelineRef: { name: 'web' }, revision: SHA, trigger: { type: 'manual' }, ...spec },
    status: { phase: 'Running', duration: '2m31s', stages },
  });
