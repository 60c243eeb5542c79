import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentResult, type AgentReports } from './stage-report.js';

const agent: AgentReports = {
  reports: ['.bosun/reports/count.json'],
  parse: (files) => {
    const text = files['.bosun/reports/count.json'];
    if (text === undefined) return { ok: false, problem: 'no report was written' };
    const n = Number(JSON.parse(text).errors);
    return Number.isInteger(n)
      ? { ok: true, report: { summary: `${n} errors`, findings: { lintErrors: n } } }
      : { ok: false, problem: 'errors is not a count' };
  },
};

let ws: string;
beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'bosun-report-'));
  mkdirSync(join(ws, '.bosun', 'reports'), { recursive: true });
});
afterEach(() => rmSync(ws, { recursive: true, force: true }));

describe("a stage agent's report, read by the runner", () => {
  it('becomes the result JSON the operator reads', async () => {
    writeFileSync(join(ws, '.bosun/reports/count.json'), '{"errors": 3}');
    const found = await agentResult(ws, 'lint', agent);
    expect(JSON.parse(found.result ?? '')).toEqual({ summary: '3 errors', findings: { lintErrors: 3 } });
  });

  it('is left out, with the reason, when the parser does not understand it or it is missing', async () => {
    writeFileSync(join(ws, '.bosun/reports/count.json'), '{"errors": "many"}');
    expect(await agentResult(ws, 'lint', agent)).toEqual({
      problem: 'the lint report is not understood: errors is not a count',
    });
    rmSync(join(ws, '.bosun/reports/count.json'));
    expect((await agentResult(ws, 'lint', agent)).problem).toMatch(/no report was written/);
  });

  it('is never read through a symlink the command left', async () => {
    rmSync(join(ws, '.bosun'), { recursive: true });
    mkdirSync(join(ws, 'elsewhere', 'reports'), { recursive: true });
    symlinkSync(join(ws, 'elsewhere'), join(ws, '.bosun'));
    expect((await agentResult(ws, 'lint', agent)).problem).toMatch(/\.bosun is not a directory/);
  });

  it('says so when the runner does not know the agent', async () => {
    expect((await agentResult(ws, 'lint', undefined)).problem).toMatch(/does not know the lint agent/);
  });
});
