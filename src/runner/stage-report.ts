// What a stage agent's tools reported, read by the runner after the command: each report file the agent
// names, read from the workspace the command controlled (no symlink, bounded), and parsed by the agent's
// parser (src/stages) into the stage's result JSON. Output a parser does not understand is never guessed
// at: the result is left out and the reason says why.
import type { StageAgentSpec } from '../stages/agents.js';
import { readWorkspaceFile } from './sandbox-files.js';

/** A report file may be this large (an ESLint report of a big repository is a few MB). */
export const REPORT_MAX_BYTES = 8 * 1024 * 1024;

/** What the runner needs of a stage agent: its report files and its parser. */
export type AgentReports = Pick<StageAgentSpec, 'reports' | 'parse'>;

export type AgentsLookup = (agent: string) => AgentReports | undefined;

/** The stage's result JSON from its agent's reports, or why there is none. */
export async function agentResult(
  workspace: string,
  agentName: string,
  agent: AgentReports | undefined,
): Promise<{ result?: string; problem?: string }> {
  if (!agent) return { problem: `this runner does not know the ${agentName} agent: upgrade it` };
  const files: Record<string, string | undefined> = {};
  for (const path of agent.reports) {
    const read = await readWorkspaceFile(workspace, path, REPORT_MAX_BYTES);
    if (read.kind === 'unusable') return { problem: `the ${agentName} report cannot be read: ${read.why}` };
    files[path] = read.kind === 'ok' ? read.text : undefined;
  }
  const parsed = agent.parse(files);
  if (!parsed.ok) return { problem: `the ${agentName} report is not understood: ${parsed.problem}` };
  return { result: JSON.stringify({ summary: parsed.report.summary, findings: parsed.report.findings }) };
}
