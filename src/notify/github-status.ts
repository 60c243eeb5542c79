// A run's report as GitHub commit statuses (@octokit/rest): one per stage that
// has ended (context bosun/<pipeline>/<stage>) and one for the run
// (bosun/<pipeline>), on the run's revision. A refusal is a coded error that
// names what to fix (the token's permission, the repository, the commit) and
// never the token. The statuses are set one after the other, and the first
// refusal stops the rest: a bad token would be refused for each.
import { Octokit } from '@octokit/rest';
import { BosunError } from '../api/errors.js';
import type { StageState } from '../api/v1alpha1/pipeline-run.js';
import { CREDENTIAL_PATTERNS, Redactor } from '../redact/index.js';
import { callFailure } from './failure.js';
import { lineOf, type RunReport } from './report.js';

/** GitHub's limit on a status's description. */
export const DESCRIPTION_MAX = 140;

export type CommitState = 'success' | 'failure' | 'error' | 'pending';

export interface CommitStatus {
  context: string;
  state: CommitState;
  description: string;
}

export interface GitHubStatusTarget {
  /** owner/name */
  repository: string;
  /** the commit (GitHub wants it whole: 40 hex digits) */
  sha: string;
  token: string;
  /** the REST API root; default https://api.github.com */
  apiUrl?: string;
  /** where the token is kept, to say what to fix: never the token */
  secret: { namespace: string; name: string; key: string };
  timeoutMs: number;
  /** what is redacted from the descriptions; default: the credential formats */
  redactor?: Redactor;
}

const STATE: Partial<Record<StageState, CommitState>> = {
  Succeeded: 'success',
  Reused: 'success',
  Failed: 'failure',
  Cancelled: 'error',
  Skipped: 'error',
};

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
/** An image digest in a few characters: a description has 140. */
const shortDigests = (s: string) => s.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}/g, '@sha256:$1…');

/** The statuses a report sets (pure): each stage that ended, then the run's. */
export function commitStatuses(report: RunReport, redactor = new Redactor(CREDENTIAL_PATTERNS)): CommitStatus[] {
  const describe = (s: string) => cut(shortDigests(redactor.redact(s).text), DESCRIPTION_MAX);
  const stages = report.stages.flatMap((s) => {
    const state = STATE[s.state];
    if (!state) return []; // still running (another finally stage): it is not told what it has not done
    const line = lineOf(s).slice(s.name.length + 2);
    return [{ context: `bosun/${report.pipeline}/${s.name}`, state, description: describe(line) }];
  });
  const run: CommitState =
    report.outcome === 'succeeded' ? 'success' : report.outcome === 'cancelled' ? 'error' : 'failure';
  const overall = report.title.replace(/^Pipeline [^:]+: /, '');
  return [...stages, { context: `bosun/${report.pipeline}`, state: run, description: describe(overall) }];
}

const notifyError = (detail: string) => new BosunError('BOSUN_ERR_NOTIFY', detail);

function apiRoot(raw: string | undefined): string {
  const root = (raw ?? 'https://api.github.com').trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(root);
  } catch {
    throw notifyError(`the github-status apiUrl ${JSON.stringify(root.slice(0, 200))} is not a URL`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw notifyError(`the github-status apiUrl ${root} is not https: the token is sent there; use https`);
  return root;
}

function refused(err: unknown, t: GitHubStatusTarget): BosunError {
  const { sha } = t;
  const e = err as { status?: unknown; response?: { headers?: Record<string, unknown> } };
  const on = `setting commit statuses on ${t.repository}@${sha.slice(0, 12)}`;
  if (typeof e?.status !== 'number' || !e.response) return notifyError(`GitHub ${callFailure(err)} (${on})`);
  const s = e.status;
  const headers = e.response.headers ?? {};
  const said = `GitHub answered HTTP ${s} to ${on}`;
  const secret = `Secret ${t.secret.namespace}/${t.secret.name} (key ${t.secret.key})`;
  const limited = headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined;
  if (s === 429 || s >= 500 || (s === 403 && limited))
    return notifyError(`${said}: rate-limited or failing; try the run again later`);
  if (s === 401)
    return notifyError(`${said}: the token in ${secret} is wrong, expired or revoked: put a valid one there`);
  if (s === 403)
    return notifyError(
      `${said}: the token in ${secret} may not write commit statuses on ${t.repository}: a fine-grained token ` +
        'needs "Commit statuses: Read and write" on it, a classic token the repo:status scope',
    );
  if (s === 404)
    return notifyError(
      `${said}: check spec.source.github (${t.repository}) and the target's apiUrl; GitHub answers 404 also ` +
        `when the token in ${secret} cannot see a private repository`,
    );
  if (s === 422)
    return notifyError(
      `${said}: GitHub has no commit ${sha} in ${t.repository}, or refused the status: ` +
        "the run's revision must be a commit pushed there, as a full 40-digit SHA",
    );
  if (s >= 300 && s < 400) return notifyError(`${said}: a redirect; point apiUrl at the API itself`);
  return notifyError(`${said}: GitHub refused the status`);
}

const quiet = (): void => {};

/** Sets the report's statuses; the number set. A refusal is a BOSUN_ERR_NOTIFY error naming what to fix. */
export async function sendCommitStatuses(report: RunReport, t: GitHubStatusTarget): Promise<number> {
  const [owner = '', repo = ''] = t.repository.split('/');
  if (!owner || !repo) throw notifyError(`github-status: ${t.repository} is not owner/name (spec.source.github)`);
  const token = t.token.trim();
  if (!token || /\s/.test(token))
    throw notifyError(
      `the value of Secret ${t.secret.namespace}/${t.secret.name} (key ${t.secret.key}) is not a token: put one there`,
    );
  const octokit = new Octokit({
    auth: token,
    baseUrl: apiRoot(t.apiUrl),
    userAgent: 'bosun',
    // the coded errors say what failed; Octokit's own lines would go to the console, outside the logger
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  const statuses = commitStatuses(report, t.redactor);
  for (const s of statuses) {
    try {
      await octokit.rest.repos.createCommitStatus({
        owner,
        repo,
        sha: t.sha,
        state: s.state,
        context: s.context,
        description: s.description,
        request: { signal: AbortSignal.timeout(t.timeoutMs) },
      });
    } catch (err) {
      throw refused(err, t);
    }
  }
  return statuses.length;
}
