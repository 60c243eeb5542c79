// The loopback GitHub API's commit statuses (docs: https://docs.github.com/rest/commits/statuses; shapes from
// @octokit/openapi-types' `status`): POST /repos/{owner}/{repo}/statuses/{sha} for a commit the fake knows
// answers 201 with the status as GitHub renders it; a commit it does not know, 422 "No commit found for SHA";
// a description over 140 characters, 422. github-api.ts routes to it after checking the token.
import { checkFields, jsonBody, type Answer, type RecordedRequest } from './fake-http.js';

export interface FakeStatus {
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  target_url: string | null;
}

export interface StatusesState {
  /** the commits that exist in the repository (full SHAs) */
  commits: string[];
  statuses: FakeStatus[];
}

const DOCS = 'https://docs.github.com/rest/commits/statuses#create-a-commit-status';
const STATES = ['error', 'failure', 'pending', 'success'];

const invalid = (field: string, message: string): Answer => ({
  status: 422,
  body: {
    message: 'Validation Failed',
    errors: [{ resource: 'Status', code: 'custom', field, message }],
    documentation_url: DOCS,
    status: '422',
  },
});

/** The answer to a request on /repos/{owner}/{repo}/statuses/{sha} (the repository already matched). */
export function statusAnswer(
  req: RecordedRequest,
  sha: string,
  fail: (why: string) => void,
  at: { baseURL: string; repository: string; state: StatusesState },
): Answer {
  if (req.method !== 'POST') {
    fail('only POST is served on statuses/{sha}');
    return { status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } };
  }
  const body = jsonBody(req, fail);
  const spec = {
    state: ['string'],
    'target_url?': ['string', 'null'],
    'description?': ['string', 'null'],
    'context?': ['string'],
  } as const;
  if (!checkFields('status', body, spec, fail)) return invalid('state', 'does not match the schema');
  if (!STATES.includes(String(body.state))) {
    fail(`state ${String(body.state)}`);
    return invalid('state', 'is not included in the list');
  }
  const description = (body.description as string | null | undefined) ?? null;
  if (description && description.length > 140)
    return invalid('description', 'description is too long (maximum is 140 characters)');
  if (!at.state.commits.includes(sha))
    return {
      status: 422,
      body: { message: `No commit found for SHA: ${sha}`, documentation_url: DOCS, status: '422' },
    };
  const status: FakeStatus = {
    sha,
    state: body.state as FakeStatus['state'],
    context: (body.context as string | undefined) ?? 'default',
    description,
    target_url: (body.target_url as string | null | undefined) ?? null,
  };
  at.state.statuses.push(status);
  const id = at.state.statuses.length;
  const when = new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString().replace(/\.000Z$/, 'Z');
  return {
    status: 201,
    body: {
      url: `${at.baseURL}/repos/${at.repository}/statuses/${sha}`,
      avatar_url: null,
      id,
      node_id: `SC_${id}`,
      state: status.state,
      description: status.description,
      target_url: status.target_url,
      context: status.context,
      created_at: when,
      updated_at: when,
      creator: { login: 'bosun-bot', id: 1, node_id: 'U_1', type: 'Bot', site_admin: false },
    },
  };
}
