import { describe, expect, it } from 'vitest';
import { MAX_OUTPUT_CHARS, MAX_RESULT_CHARS, Report, type WorkItem } from './protocol.js';
import { finishedReport, maskerFor, notRunReport } from './runner-report.js';

const SECRET = 'p4ss-w0rd-of-the-stage';
const item: WorkItem = {
  id: 'x-1',
  run: { namespace: 'ns', name: 'run' },
  stage: 'build',
  attempt: 2,
  command: ['make'],
  env: { DB_PASSWORD: SECRET, CI: 'true' },
  network: true,
  limits: { timeoutSeconds: 1, cpuSeconds: 1, memoryBytes: 1024 * 1024, maxOutputBytes: 1024 },
  deadline: '2030-01-01T00:00:00.000Z',
};
const at = new Date('2030-01-01T00:00:00.000Z');
const base = { outcome: 'exited' as const, exitCode: 0, output: '', startedAt: at, finishedAt: at };

describe('finishedReport', () => {
  it('masks env values in the output, the reason and the result, and parses as a Report', () => {
    const r = finishedReport(
      'runner-0',
      item,
      { ...base, output: `connecting with ${SECRET}`, reason: `bad ${SECRET}`, result: `{"pw":"${SECRET}"}` },
      maskerFor(item),
    );
    expect(JSON.stringify(r)).not.toContain(SECRET);
    expect(Report.safeParse(r).success).toBe(true);
    expect(JSON.parse(r.result!)).toHaveProperty('pw');
  });

  it("leaves Bosun's own BOSUN_* values (an image reference) as they are", () => {
    const image = `127.0.0.1:5000/app@sha256:${'a'.repeat(64)}`;
    const withImage = {
      ...item,
      env: { ...item.env, BOSUN_IMAGE: image, BOSUN_IMAGE_REPOSITORY: '127.0.0.1:5000/app' },
    };
    const r = finishedReport('runner-0', withImage, { ...base, result: `{"image":"${image}"}` }, maskerFor(withImage));
    expect(JSON.parse(r.result!)).toEqual({ image });
  });

  it('masks before it cuts: a secret at the cut is not left half-visible', () => {
    const output = `${SECRET}${'x'.repeat(MAX_OUTPUT_CHARS - 4)}`;
    const r = finishedReport('runner-0', item, { ...base, output }, maskerFor(item));
    expect(r.output!.length).toBe(MAX_OUTPUT_CHARS);
    expect(r.output).not.toContain(SECRET.slice(-4));
  });

  it('drops a result that masking made too long, and says so in the reason', () => {
    const result = `"${SECRET}${'y'.repeat(MAX_RESULT_CHARS - SECRET.length - 2)}"`;
    const r = finishedReport('runner-0', item, { ...base, result, reason: 'ok' }, maskerFor(item));
    expect(r.result).toBeUndefined();
    expect(r.reason).toMatch(/^ok; the result was longer than 4096/);
  });

  it('keeps an exit code only when it is one (0..255), and names the signal that ended the command', () => {
    const r = finishedReport(
      'runner-0',
      item,
      { ...base, outcome: 'killed', exitCode: null, signal: 'SIGKILL' },
      maskerFor(item),
    );
    expect(r).toMatchObject({ exitCode: null, reason: 'ended by SIGKILL' });
    expect(finishedReport('runner-0', item, { ...base, exitCode: -3 }, maskerFor(item)).exitCode).toBeNull();
  });
});

describe('notRunReport', () => {
  it('is a finished, cancelled report with the reason and no exit code', () => {
    const r = notRunReport('runner-0', item, at, 'deadline passed');
    expect(Report.parse(r)).toMatchObject({
      state: 'finished',
      outcome: 'cancelled',
      exitCode: null,
      reason: 'deadline passed',
    });
  });
});
