// The sample Pipeline as the bench runs it: config/samples/pipeline.yaml as it
// is (its stages, retry, finally report, halt count and security threshold),
// only its name, its source and its image moved to the bench's loopback git
// server and registry; and the graph of its stages, read from the same spec, for
// the timings. Pure but for reading the file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Pipeline } from '../../../src/api/v1alpha1/pipeline.js';
import { repoRoot } from '../../support/paths.js';
import type { BenchStage } from './pipeline-dag.js';

export const SAMPLE_FILE = join(repoRoot, 'config', 'samples', 'pipeline.yaml');

/** The sample file's Pipeline, parsed by its schema (defaults filled in). */
export function readSample(file = SAMPLE_FILE): Pipeline {
  return Pipeline.parse(parse(readFileSync(file, 'utf8')));
}

/** `sample` named `name`, cloning `repo` and pushing to `image`: everything else as the file says. */
export function samplePipeline(sample: Pipeline, name: string, repo: string, image: string) {
  const { apiVersion, kind, spec } = sample;
  return {
    apiVersion,
    kind,
    metadata: { name },
    spec: { ...spec, source: { ...spec.source, repo }, build: { ...spec.build, image } },
  };
}

/**
 * The graph of `spec`'s stages, in an order where each depends only on earlier ones: its stages, then its finally
 * stages, each of which waits for every stage (and for the finally stages it names). A report stage with no command
 * runs in the operator.
 */
export function sampleDag(spec: Pipeline['spec']): BenchStage[] {
  const main = spec.stages.map((s) => s.name);
  const stages: BenchStage[] = spec.stages.map((s) => ({ name: s.name, dependsOn: s.dependsOn ?? [] }));
  for (const f of spec.finally)
    stages.push({
      name: f.name,
      dependsOn: [...main, ...(f.dependsOn ?? [])],
      ...(f.agent === 'report' && !f.command && { inOperator: true as const }),
    });
  return stages;
}
