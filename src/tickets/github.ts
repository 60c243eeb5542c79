// Escalation tickets as GitHub issues, through @octokit/rest. A fingerprint's
// issue is the open issue labelled bosun-<hash> (the oldest, should there be
// two); GitHub's REST limits are 256 characters of title and 65536 of body or
// comment.
import { Octokit } from '@octokit/rest';
import type { Redactor } from '../redact/index.js';
import { TicketError, fieldNames, networkFailure, ticketError, type CallFailure, type Fixes } from './errors.js';
import { cut, fitSections, oneLine, redactRequest } from './fit.js';
import { defuse, markdown } from './markdown.js';
import { fingerprintLabel, type TicketRef, type TicketRequest, type TicketTarget } from './target.js';

export const GITHUB_TITLE_MAX = 256;
export const GITHUB_BODY_MAX = 65536;

export interface GitHubTargetOptions {
  /** owner/name */
  repository: string;
  /** the REST API root; default https://api.github.com */
  baseURL?: string;
  token: string;
  /** labels every issue gets beside the fingerprint's */
  labels: readonly string[];
  /** where the token is kept, to say what to fix: never the token */
  secret: { name: string; key: string };
  redactor: Redactor;
  timeoutMs: number;
}

const quiet = (): void => {};

type Label = string | { name?: string };
const labelName = (l: Label) => (typeof l === 'string' ? l : (l.name ?? ''));

function failureOf(err: unknown): CallFailure {
  const e = err as { status?: unknown; response?: { headers?: Record<string, unknown>; data?: unknown } };
  if (typeof e?.status !== 'number' || !e.response) return { network: networkFailure(err) };
  const headers = e.response.headers ?? {};
  const errors = (e.response.data as { errors?: unknown } | undefined)?.errors;
  return {
    status: e.status,
    rateLimited: headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined,
    fields: Array.isArray(errors) ? fieldNames(errors.map((x) => (x as { field?: unknown })?.field)) : [],
  };
}

export function githubTarget(o: GitHubTargetOptions): TicketTarget {
  const [owner = '', repo = ''] = o.repository.split('/');
  const octokit = new Octokit({
    auth: o.token,
    baseUrl: (o.baseURL ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'bosun',
    // the coded errors below say what failed; Octokit's own lines would go to the console, outside the logger
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  const fixes: Fixes = {
    auth: `check the token in Secret ${o.secret.name} (key ${o.secret.key}): it is wrong, expired or revoked`,
    forbidden: `the token in Secret ${o.secret.name} needs Issues read and write on ${o.repository}`,
    notFound:
      `check repository ${o.repository} and baseURL, and that issues are enabled; ` +
      'GitHub answers 404 also to a token that cannot see a private repository',
    rejected: 'GitHub refused the issue as invalid',
  };
  const call = async <T>(action: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    try {
      return await fn(AbortSignal.timeout(o.timeoutMs));
    } catch (err) {
      throw ticketError('GitHub', `${action} in ${o.repository}`, failureOf(err), fixes);
    }
  };
  const numberOf = (ref: TicketRef): number => {
    if (ref.system !== 'github' || !/^[1-9][0-9]*$/.test(ref.id)) {
      throw new TicketError('BOSUN_ERR_TICKET_CONFIG', `${ref.system} ticket ${ref.id} is not a GitHub issue number`);
    }
    return Number(ref.id);
  };
  const clean = (text: string) => cut(defuse(o.redactor.redact(text).text), GITHUB_BODY_MAX);
  const postComment = (n: number, body: string) =>
    call(`commenting on issue #${n}`, (signal) =>
      octokit.rest.issues.createComment({ owner, repo, issue_number: n, body, request: { signal } }),
    );

  return {
    system: 'github',

    async open(t: TicketRequest): Promise<TicketRef> {
      const label = fingerprintLabel(t.fingerprint);
      const req = redactRequest(t, o.redactor);
      const footer = `Opened by Bosun. It finds this issue again by its label ${label}: keep the label.`;
      const body = (lead: string) =>
        markdown(
          fitSections(req.sections, (s) => markdown(s, footer, lead).length, GITHUB_BODY_MAX),
          footer,
          lead,
        ).slice(0, GITHUB_BODY_MAX);

      const open = await call(`listing the open issues labelled ${label}`, (signal) =>
        octokit.rest.issues.listForRepo({
          owner,
          repo,
          state: 'open',
          labels: label,
          sort: 'created',
          direction: 'asc',
          per_page: 100,
          request: { signal },
        }),
      );
      // pull requests are issues to this endpoint; the label is checked again, in case a proxy drops the filter
      const found = open.data.find((i) => !i.pull_request && i.labels.some((l) => labelName(l) === label));
      if (found) {
        await postComment(found.number, body(`**Seen again.** ${defuse(oneLine(req.title, GITHUB_TITLE_MAX))}`));
        return { system: 'github', id: String(found.number), url: found.html_url };
      }

      const created = await call('creating an issue', (signal) =>
        octokit.rest.issues.create({
          owner,
          repo,
          title: oneLine(req.title, GITHUB_TITLE_MAX) || label,
          body: body(''),
          labels: [label, ...o.labels.filter((l) => l !== label)],
          request: { signal },
        }),
      );
      const issue = created.data;
      if (!issue.labels.some((l) => labelName(l) === label)) {
        // GitHub silently drops the labels of a token without push access: the issue could never be found again
        throw new TicketError(
          'BOSUN_ERR_TICKET_AUTH',
          `GitHub opened issue #${issue.number} in ${o.repository} without its label ${label}: ` +
            `the token in Secret ${o.secret.name} needs Issues read and write to set labels; ` +
            `add the label to #${issue.number} by hand, or close it, once the token is fixed`,
        );
      }
      return { system: 'github', id: String(issue.number), url: issue.html_url };
    },

    async comment(ref: TicketRef, text: string): Promise<void> {
      await postComment(numberOf(ref), clean(text));
    },

    async close(ref: TicketRef, text: string): Promise<void> {
      const n = numberOf(ref);
      const issue = await call(`reading issue #${n}`, (signal) =>
        octokit.rest.issues.get({ owner, repo, issue_number: n, request: { signal } }),
      );
      if (issue.data.state === 'closed') return;
      await postComment(n, clean(text));
      await call(`closing issue #${n}`, (signal) =>
        octokit.rest.issues.update({
          owner,
          repo,
          issue_number: n,
          state: 'closed',
          state_reason: 'completed',
          request: { signal },
        }),
      );
    },
  };
}
