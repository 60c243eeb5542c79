// The pipeline bench's marks: every run's moments, as the bench's watches on
// the runs, the stage pods and the stage Jobs see them, and as a runner's work
// records in Bosun's etcd tell them.
import type { EtcdStateStore } from '../../../src/store/etcd-store.js';
import { WORK, WorkRecord } from '../../../src/webhooks/runner-queue.js';
import type { RunMarks, StageMarks } from './pipeline-timings.js';

export interface RunView {
  metadata: { name?: string };
  status?: { phase?: string; stages?: { name: string; state: string }[] };
}
export interface PodView {
  metadata: { labels?: Record<string, string> };
  status?: { containerStatuses?: { state?: { running?: object; terminated?: object } }[] };
}
export interface JobView {
  metadata: { labels?: Record<string, string> };
}

/** Every run's marks and last phase, as the watches see them. */
export class Tracks {
  readonly marks = new Map<string, RunMarks>();
  readonly phases = new Map<string, string>();

  of(run: string): RunMarks {
    let m = this.marks.get(run);
    if (!m) this.marks.set(run, (m = { stages: {} }));
    return m;
  }
  stage(run: string, stage: string): StageMarks {
    const m = this.of(run);
    return (m.stages[stage] ??= {});
  }

  run(r: RunView, at: number) {
    const name = r.metadata.name;
    const phase = r.status?.phase;
    if (!name || !phase) return;
    this.phases.set(name, phase);
    const m = this.of(name);
    if (phase === 'Running') m.running ??= at;
    if (phase === 'Succeeded') m.succeeded ??= at;
    for (const s of r.status?.stages ?? []) if (s.state === 'Succeeded') this.stage(name, s.name).written ??= at;
  }

  /** A Job stage's pod: created (the Job controller took the Job), its container Running, then terminated. */
  pod(p: PodView, at: number) {
    const run = p.metadata.labels?.['bosun.dev/pipelinerun'];
    const stage = p.metadata.labels?.['bosun.dev/stage'];
    if (!run || !stage) return;
    const s = this.stage(run, stage);
    s.taken ??= at;
    const state = p.status?.containerStatuses?.[0]?.state;
    if (state?.running) s.started ??= at;
    if (state?.terminated) s.ended ??= at;
  }

  /** A stage's Job: Bosun handed the attempt over. */
  job(j: JobView, at: number) {
    const run = j.metadata.labels?.['bosun.dev/pipelinerun'];
    const stage = j.metadata.labels?.['bosun.dev/stage'];
    if (run && stage) this.stage(run, stage).handed ??= at;
  }

  /** The runner stages' moments of `runs`, from their work records: queued, claimed, the command's start and end. */
  async fromWorkRecords(store: EtcdStateStore, namespace: string, runs: readonly string[]) {
    const wanted = new Set(runs);
    for (const kv of await store.listRecords(WORK)) {
      const parsed = WorkRecord.safeParse(JSON.parse(kv.value));
      if (!parsed.success) continue;
      const { item, queuedAt, claimedAt, report } = parsed.data;
      if (item.run.namespace !== namespace || !wanted.has(item.run.name)) continue;
      const s = this.stage(item.run.name, item.stage);
      s.handed = Date.parse(queuedAt);
      if (claimedAt) s.taken = Date.parse(claimedAt);
      if (report?.state === 'finished' && report.finishedAt) {
        s.started = Date.parse(report.startedAt);
        s.ended = Date.parse(report.finishedAt);
      }
    }
  }
}
