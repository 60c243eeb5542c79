import { describe, expect, it } from 'vitest';
import { readSample, sampleDag, samplePipeline } from './pipeline-sample.js';

describe('the sample Pipeline', () => {
  const sample = readSample();

  it('is the sample file with its name, source and image moved, everything else as it is', () => {
    const p = samplePipeline(sample, 'sample-3', 'git://127.0.0.1:1/app.git', '127.0.0.1:2/app');
    expect(p.metadata).toEqual({ name: 'sample-3' });
    expect(p.spec.source.repo).toBe('git://127.0.0.1:1/app.git');
    expect(p.spec.build?.image).toBe('127.0.0.1:2/app');
    expect(p.spec.stages).toEqual(sample.spec.stages);
    expect(p.spec.finally).toEqual(sample.spec.finally);
    expect(p.spec.haltAfterFailures).toBe(sample.spec.haltAfterFailures);
    expect(p.spec.runOn).toBe('runner');
  });

  it("has the sample's graph: lint and test, then build, then security, and the report after all", () => {
    expect(sampleDag(sample.spec)).toEqual([
      { name: 'lint', dependsOn: [] },
      { name: 'test', dependsOn: [] },
      { name: 'build', dependsOn: ['lint', 'test'] },
      { name: 'security', dependsOn: ['build'] },
      { name: 'report', dependsOn: ['lint', 'test', 'build', 'security'], inOperator: true },
    ]);
  });

  it('runs a finally stage with a command on its backend, after the stages and the finally stages it names', () => {
    const report = sample.spec.finally[0] as (typeof sample.spec.finally)[number];
    const spec = {
      ...sample.spec,
      finally: [
        { ...report, name: 'first' },
        { ...report, name: 'after', agent: 'test' as const, command: ['true'], dependsOn: ['first'] },
      ],
    };
    const dag = sampleDag(spec);
    expect(dag.at(-1)).toEqual({ name: 'after', dependsOn: ['lint', 'test', 'build', 'security', 'first'] });
  });
});
