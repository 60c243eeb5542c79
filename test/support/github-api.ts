// A loopback GitHub REST API, as much of it as escalation tickets and pipeline
// reports use: list, get, create and update a repository's issues, comment on
// one, and set commit statuses (github-statuses.ts) (docs:
// https://docs.github.com/rest/issues; shapes from @octokit/openapi-types'
// `issue`, `issue-comment`, `basic-error` and `validation-error`). It keeps the
// issues, so that finding a ticket again is tested against state, not a script.
// Served under /api/v3, as GitHub Enterprise Server does, so the base URL's
// path is exercised too.
import { randomBytes } from 'node:crypto';
import { checkFields, checkQuery, jsonBody, startFakeHttp, type Answer, type FakeHttp } from './fake-http.js';
import { statusAnswer, type StatusesState } from './github-statuses.js';

export interface FakeIssue {
  number: number;
  title: string;
  body: string | null;
  labels: string[];
  state: 'open' | 'closed';
  state_reason: 'completed' | 'not_planned' | 'duplicate' | 'reopened' | null;
  comments: string[];
  pull_request?: boolean;
  created: number;
}

export interface FakeGitHub extends FakeHttp, StatusesState {
  /** what @octokit/rest is given as baseUrl */
  baseURL: string;
  repository: string;
  token: string;
  issues: FakeIssue[];
  /** a token without push access: GitHub then drops the labels of a new issue, silently */
  dropLabels: boolean;
}

const DOCS = 'https://docs.github.com/rest/issues/issues';
const PREFIX = '/api/v3';
const user = { login: 'bosun-bot', id: 1, node_id: 'U_1', type: 'Bot', site_admin: false };

const notFound = (): Answer => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: DOCS, status: '404' },
});
const invalid = (field: string, message: string): Answer => ({
  status: 422,
  body: {
    message: 'Validation Failed',
    errors: [{ resource: 'Issue', code: 'custom', field, message }],
    documentation_url: DOCS,
    status: '422',
  },
});

export async function startFakeGitHub(opts: { repository?: string; token?: string } = {}): Promise<FakeGitHub> {
  const repository = opts.repository ?? 'acme/payments';
  const token = opts.token ?? `loopback-${randomBytes(16).toString('hex')}`;
  const issues: FakeIssue[] = [];
  const statuses: StatusesState = { commits: [], statuses: [] };
  let clock = 0;
  const self = {} as FakeGitHub;

  const render = (i: FakeIssue) => {
    const api = `${self.baseURL}/repos/${repository}/issues/${i.number}`;
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i.created)).toISOString().replace(/\.000Z$/, 'Z');
    return {
      id: 1000 + i.number,
      node_id: `I_${i.number}`,
      url: api,
      repository_url: `${self.baseURL}/repos/${repository}`,
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: `${self.origin}/${repository}/issues/${i.number}`,
      number: i.number,
      state: i.state,
      state_reason: i.state_reason,
      title: i.title,
      body: i.body,
      user,
      labels: i.labels.map((name, n) => ({
        id: n + 1,
        node_id: `LA_${n}`,
        url: `${self.baseURL}/repos/${repository}/labels/${encodeURIComponent(name)}`,
        name,
        description: null,
        color: 'ededed',
        default: false,
      })),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: i.comments.length,
      ...(i.pull_request ? { pull_request: { url: api, html_url: null, diff_url: null, patch_url: null } } : {}),
      closed_at: i.state === 'closed' ? at : null,
      created_at: at,
      updated_at: at,
      closed_by: i.state === 'closed' ? user : null,
      author_association: 'NONE',
    };
  };

  const http = await startFakeHttp((req, fail) => {
    const auth = req.headers.authorization ?? '';
    if (!req.headers['user-agent']) fail('no User-Agent: GitHub refuses such requests');
    if (!/application\/(vnd\.github[.a-z0-9+-]*|json)/.test(req.headers.accept ?? '')) fail('no JSON Accept header');
    if (!new RegExp(`^(token|bearer) ${token}$`, 'i').test(auth)) {
      return { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
    }
    const st = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/statuses\/([^/]+)$/.exec(req.path);
    if (st) {
      if (`${st[1]}/${st[2]}`.toLowerCase() !== repository.toLowerCase()) return notFound();
      return statusAnswer(req, st[3] ?? '', fail, { baseURL: self.baseURL, repository, state: statuses });
    }
    const m = /^\/api\/v3\/repos\/([^/]+)\/([^/]+)\/issues(?:\/([0-9]+)(\/comments)?)?$/.exec(req.path);
    if (!m) {
      fail('not an endpoint of the GitHub API the fake serves');
      return notFound();
    }
    if (`${m[1]}/${m[2]}`.toLowerCase() !== repository.toLowerCase()) return notFound(); // what GitHub says, too
    const n = m[3] === undefined ? undefined : Number(m[3]);
    const issue = issues.find((i) => i.number === n);
    const route = `${req.method} ${n === undefined ? 'issues' : m[4] ? 'comments' : 'issue'}`;

    switch (route) {
      case 'GET issues': {
        const q = req.query;
        const documented = ['milestone', 'state', 'assignee', 'type', 'creator', 'mentioned', 'labels', 'sort'];
        checkQuery(q, [...documented, 'direction', 'since', 'per_page', 'page'], fail);
        const state = q.get('state') ?? 'open';
        if (!['open', 'closed', 'all'].includes(state)) fail(`state=${state}`);
        if (q.has('sort') && !['created', 'updated', 'comments'].includes(q.get('sort') ?? '')) fail('bad sort');
        if (q.has('direction') && !['asc', 'desc'].includes(q.get('direction') ?? '')) fail('bad direction');
        const perPage = Number(q.get('per_page') ?? 30);
        if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) fail(`per_page=${q.get('per_page')}`);
        const want = (q.get('labels') ?? '').split(',').filter(Boolean);
        const list = issues
          .filter((i) => state === 'all' || i.state === state)
          .filter((i) => want.every((l) => i.labels.includes(l)))
          .sort((a, b) => (q.get('direction') === 'asc' ? a.created - b.created : b.created - a.created))
          .slice(0, perPage);
        return { status: 200, body: list.map(render) };
      }
      case 'POST issues': {
        const body = jsonBody(req, fail);
        const spec = {
          title: ['string', 'number'],
          'body?': ['string', 'null'],
          'assignee?': ['string', 'null'],
          'milestone?': ['string', 'number', 'null'],
          'labels?': ['string[]'],
          'assignees?': ['string[]'],
          'type?': ['string', 'null'],
        } as const;
        if (!checkFields('issue', body, spec, fail)) return invalid('body', 'does not match the schema');
        const title = String(body.title);
        if (title.length > 256) return invalid('title', 'title is too long (maximum is 256 characters)');
        if (typeof body.body === 'string' && body.body.length > 65536) {
          return invalid('body', 'body is too long (maximum is 65536 characters)');
        }
        const labels = self.dropLabels ? [] : ((body.labels as string[] | undefined) ?? []);
        if (labels.some((l) => l.length > 50)) return invalid('labels', 'name is too long (maximum is 50 characters)');
        const created: FakeIssue = {
          number: issues.length + 1,
          title,
          body: (body.body as string | null | undefined) ?? null,
          labels,
          state: 'open',
          state_reason: null,
          comments: [],
          created: ++clock,
        };
        issues.push(created);
        return { status: 201, body: render(created), headers: { Location: render(created).url } };
      }
      case 'GET issue':
        return issue ? { status: 200, body: render(issue) } : notFound();
      case 'PATCH issue': {
        if (!issue) return notFound();
        const body = jsonBody(req, fail);
        const spec = {
          'title?': ['string', 'number', 'null'],
          'body?': ['string', 'null'],
          'assignee?': ['string', 'null'],
          'state?': ['string'],
          'state_reason?': ['string', 'null'],
          'milestone?': ['string', 'number', 'null'],
          'labels?': ['string[]'],
          'assignees?': ['string[]'],
          'type?': ['string', 'null'],
        } as const;
        if (!checkFields('issue update', body, spec, fail)) return invalid('body', 'does not match the schema');
        if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed') {
          fail(`state ${String(body.state)}`);
          return invalid('state', 'is not open or closed');
        }
        const reasons = ['completed', 'not_planned', 'duplicate', 'reopened', null, undefined];
        if (!reasons.includes(body.state_reason as string)) {
          fail(`state_reason ${String(body.state_reason)}`);
          return invalid('state_reason', 'is not a state reason');
        }
        if (body.state) issue.state = body.state as FakeIssue['state'];
        if (body.state === 'closed')
          issue.state_reason = (body.state_reason as FakeIssue['state_reason']) ?? 'completed';
        if (typeof body.title === 'string') issue.title = body.title;
        if (body.labels) issue.labels = body.labels as string[];
        return { status: 200, body: render(issue) };
      }
      case 'POST comments': {
        if (!issue) return notFound();
        const body = jsonBody(req, fail);
        if (!checkFields('comment', body, { body: ['string'] }, fail)) return invalid('body', 'is missing');
        const text = body.body as string;
        if (text.length > 65536) return invalid('body', 'body is too long (maximum is 65536 characters)');
        issue.comments.push(text);
        const id = 5000 + issues.reduce((a, i) => a + i.comments.length, 0);
        const url = `${self.baseURL}/repos/${repository}/issues/comments/${id}`;
        return {
          status: 201,
          body: {
            id,
            node_id: `IC_${id}`,
            url,
            html_url: `${self.origin}/${repository}/issues/${issue.number}#issuecomment-${id}`,
            body: text,
            user,
            created_at: '2026-01-01T00:00:00Z',
            updated_at: '2026-01-01T00:00:00Z',
            issue_url: render(issue).url,
            author_association: 'NONE',
          },
          headers: { Location: url },
        };
      }
      default:
        fail('not an endpoint of the GitHub API the fake serves');
        return notFound();
    }
  });
  Object.assign(self, http, {
    baseURL: `${http.origin}${PREFIX}`,
    repository,
    token,
    issues,
    dropLabels: false,
    commits: statuses.commits,
    statuses: statuses.statuses,
  });
  return self;
}
