// A loopback Jira Cloud REST API v3, as much of it as escalation tickets use:
// the enhanced JQL search (GET /rest/api/3/search/jql), create and get an
// issue, add a comment, list and do transitions (docs:
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/; shapes from
// jira.js' Version3Models: SearchAndReconcileResults, CreatedIssue, Comment,
// Transitions, and Jira's ErrorCollection). Basic auth with email and API
// token; ADF bodies are checked node by node. It keeps issues, labels,
// comments and status, so finding a ticket again is tested against state.
import { randomBytes } from 'node:crypto';
import {
  checkFields,
  checkQuery,
  jsonBody,
  startFakeHttp,
  type Answer,
  type FakeHttp,
  type FieldType,
} from './fake-http.js';

type CategoryKey = 'new' | 'indeterminate' | 'done';

export interface FakeJiraIssue {
  id: string;
  key: string;
  summary: string;
  issueType: string;
  labels: string[];
  description: unknown;
  status: string;
  comments: unknown[];
}

export interface FakeJira extends FakeHttp {
  /** what jira.js is given as host */
  url: string;
  project: string;
  email: string;
  apiToken: string;
  issueTypes: string[];
  issues: FakeJiraIssue[];
  /** a workflow with no way to Done (only To Do and In Progress) */
  noDoneTransition: boolean;
}

const categories: Record<CategoryKey, { id: number; key: CategoryKey; colorName: string; name: string }> = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
};
const statuses = [
  { id: '10000', name: 'To Do', category: 'new' as const, transition: '11' },
  { id: '3', name: 'In Progress', category: 'indeterminate' as const, transition: '21' },
  { id: '10001', name: 'Done', category: 'done' as const, transition: '31' },
];

const errors = (status: number, errorMessages: string[], fieldErrors: Record<string, string> = {}): Answer => ({
  status,
  body: { errorMessages, errors: fieldErrors },
});

const NODES = new Set([
  'paragraph',
  'heading',
  'bulletList',
  'orderedList',
  'listItem',
  'codeBlock',
  'blockquote',
  'rule',
  'hardBreak',
  'text',
  'panel',
]);
const MARKS = new Set(['strong', 'em', 'code', 'link', 'strike', 'underline']);

/** An Atlassian Document Format document, as Jira's validator reads one. */
function checkAdf(what: string, doc: unknown, fail: (why: string) => void): void {
  if (!checkFields(what, doc, { type: ['string'], version: ['number'], content: ['array'] }, fail)) return;
  if (doc.type !== 'doc' || doc.version !== 1) fail(`${what} is not an ADF doc of version 1`);
  const walk = (node: unknown, path: string): void => {
    const n = node as { type?: unknown; text?: unknown; content?: unknown; marks?: unknown; attrs?: unknown };
    const spec: Record<string, readonly FieldType[]> = {
      type: ['string'],
      'text?': ['string'],
      'content?': ['array'],
      'marks?': ['array'],
      'attrs?': ['object'],
    };
    if (!checkFields(path, node, spec, fail)) return;
    if (!NODES.has(String(n.type))) fail(`${path} is an unknown ADF node ${String(n.type)}`);
    if (n.type === 'text') {
      if (typeof n.text !== 'string' || n.text === '') fail(`${path} is a text node with no text`);
      if (n.content !== undefined) fail(`${path} is a text node with content`);
    }
    if (n.type === 'heading' && ![1, 2, 3, 4, 5, 6].includes((n.attrs as { level?: number })?.level ?? 0)) {
      fail(`${path} is a heading without a level`);
    }
    for (const [i, m] of ((n.marks as unknown[]) ?? []).entries()) {
      const mark = m as { type?: string; attrs?: { href?: unknown } };
      if (!MARKS.has(String(mark.type))) fail(`${path}.marks[${i}] is an unknown mark`);
      if (mark.type === 'link' && typeof mark.attrs?.href !== 'string') fail(`${path}.marks[${i}] has no href`);
      if (n.type !== 'text') fail(`${path} has marks but is not text`);
    }
    const kids = (n.content as unknown[]) ?? [];
    if (n.type === 'codeBlock' && kids.some((k) => (k as { marks?: unknown }).marks)) fail(`${path}: marks in code`);
    if (/List$/.test(String(n.type)) && kids.some((k) => (k as { type?: unknown }).type !== 'listItem')) {
      fail(`${path} holds something other than listItems`);
    }
    kids.forEach((k, i) => walk(k, `${path}.content[${i}]`));
  };
  (doc.content as unknown[]).forEach((k, i) => walk(k, `${what}.content[${i}]`));
}

export async function startFakeJira(
  opts: { project?: string; email?: string; apiToken?: string } = {},
): Promise<FakeJira> {
  const project = opts.project ?? 'OPS';
  const email = opts.email ?? 'bosun@acme.example';
  const apiToken = opts.apiToken ?? `loopback-${randomBytes(16).toString('hex')}`;
  const issues: FakeJiraIssue[] = [];
  const self = {} as FakeJira;
  const statusOf = (i: FakeJiraIssue) => {
    const s = statuses.find((x) => x.id === i.status) ?? statuses[0]!;
    return {
      self: `${self.url}/rest/api/3/status/${s.id}`,
      description: '',
      iconUrl: `${self.url}/images/icons/statuses/generic.png`,
      name: s.name,
      id: s.id,
      statusCategory: {
        self: `${self.url}/rest/api/3/statuscategory/${categories[s.category].id}`,
        ...categories[s.category],
      },
    };
  };
  const fieldsOf = (i: FakeJiraIssue, wanted: string[]) => {
    const all: Record<string, unknown> = {
      summary: i.summary,
      status: statusOf(i),
      labels: i.labels,
      description: i.description,
      issuetype: { id: '10002', name: i.issueType, subtask: false },
      project: { id: '10000', key: project, name: 'Operations' },
    };
    return Object.fromEntries(Object.entries(all).filter(([k]) => wanted.length === 0 || wanted.includes(k)));
  };
  const bean = (i: FakeJiraIssue, wanted: string[]) => ({
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: i.id,
    self: `${self.url}/rest/api/3/issue/${i.id}`,
    key: i.key,
    fields: fieldsOf(i, wanted),
  });
  const noIssue = () => errors(404, ['Issue does not exist or you do not have permission to see it.']);

  const http = await startFakeHttp((req, fail) => {
    const basic = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
    if (req.headers.authorization !== basic) {
      return errors(401, ['Client must be authenticated to access this resource.']);
    }
    if (!/application\/json/.test(req.headers.accept ?? '')) fail('no JSON Accept header');
    const m =
      /^\/rest\/api\/3\/(search\/jql|issue)(?:\/([A-Z][A-Z0-9_]+-[0-9]+|[0-9]+)(?:\/(comment|transitions))?)?$/.exec(
        req.path,
      );
    const route = m ? `${req.method} ${m[1]}${m[2] ? '/{key}' : ''}${m[3] ? `/${m[3]}` : ''}` : '';
    const issue = m?.[2] ? issues.find((i) => i.key === m[2] || i.id === m[2]) : undefined;

    switch (route) {
      case 'GET search/jql': {
        const q = req.query;
        const documented = ['jql', 'nextPageToken', 'maxResults', 'fields', 'expand', 'properties', 'fieldsByKeys'];
        checkQuery(q, [...documented, 'failFast', 'reconcileIssues'], fail);
        const jql = q.get('jql') ?? '';
        const parsed =
          /^project = "([^"]+)" AND labels = "([^"]+)" AND statusCategory != Done ORDER BY created ASC$/.exec(jql);
        if (!parsed) {
          fail(`JQL the fake does not read: ${jql}`);
          return errors(400, ['Error in the JQL Query.']);
        }
        if (parsed[1] !== project)
          return errors(400, [`The value '${parsed[1]}' does not exist for the field 'project'.`]);
        const max = Number(q.get('maxResults') ?? 50);
        if (!Number.isInteger(max) || max < 1 || max > 5000) fail(`maxResults=${q.get('maxResults')}`);
        const wanted = (q.get('fields') ?? '').split(',').filter(Boolean);
        const found = issues
          .filter((i) => i.labels.includes(parsed[2]!) && statusOf(i).statusCategory.key !== 'done')
          .slice(0, max);
        // the last page has no nextPageToken (JRACLOUD-92184: absent, not null)
        return { status: 200, body: { issues: found.map((i) => bean(i, wanted)), isLast: true } };
      }
      case 'POST issue': {
        checkQuery(req.query, ['updateHistory'], fail);
        const body = jsonBody(req, fail);
        const top = { fields: ['object'], 'update?': ['object'], 'historyMetadata?': ['object'] } as const;
        if (!checkFields('issue', body, { ...top, 'properties?': ['array'], 'transition?': ['object'] }, fail)) {
          return errors(400, ['The request body does not match the schema.']);
        }
        const spec = {
          project: ['object'],
          issuetype: ['object'],
          summary: ['string'],
          'description?': ['object', 'null'],
          'labels?': ['string[]'],
        } as const;
        const f = body.fields as Record<string, unknown>;
        if (!checkFields('issue.fields', f, spec, fail)) {
          const unknown = Object.keys(f).filter((k) => !(k in spec) && !(`${k}?` in spec));
          return errors(
            400,
            [],
            Object.fromEntries(
              unknown.map((k) => [k, `Field '${k}' cannot be set. It is not on the appropriate screen.`]),
            ),
          );
        }
        if ((f.project as { key?: unknown }).key !== project)
          return errors(400, [], { project: 'valid project is required' });
        const type = (f.issuetype as { name?: unknown }).name;
        if (typeof type !== 'string' || !self.issueTypes.includes(type)) {
          return errors(400, [], { issuetype: 'Specify a valid issue type' });
        }
        const summary = f.summary as string;
        if (summary.length > 255) return errors(400, [], { summary: 'Summary must be less than 255 characters.' });
        if (/[\r\n]/.test(summary)) return errors(400, [], { summary: 'Field summary cannot contain newlines.' });
        if (f.description !== undefined && f.description !== null) {
          checkAdf('issue.fields.description', f.description, fail);
          if (JSON.stringify(f.description).length > 32767) {
            return errors(400, [], { description: 'The entered text is too long. It exceeds the allowed limit.' });
          }
        }
        const labels = (f.labels as string[] | undefined) ?? [];
        if (labels.some((l) => /\s/.test(l) || l.length > 255)) return errors(400, [], { labels: 'Invalid label.' });
        const n = issues.length + 1;
        const created = {
          id: String(10000 + n),
          key: `${project}-${n}`,
          summary,
          issueType: type,
          labels,
          description: f.description,
          status: '10000',
          comments: [],
        };
        issues.push(created);
        return {
          status: 201,
          body: { id: created.id, key: created.key, self: `${self.url}/rest/api/3/issue/${created.id}` },
        };
      }
      case 'GET issue/{key}': {
        checkQuery(req.query, ['fields', 'fieldsByKeys', 'expand', 'properties', 'updateHistory', 'failFast'], fail);
        if (!issue) return noIssue();
        return { status: 200, body: bean(issue, (req.query.get('fields') ?? '').split(',').filter(Boolean)) };
      }
      case 'POST issue/{key}/comment': {
        checkQuery(req.query, ['expand'], fail);
        if (!issue) return noIssue();
        const body = jsonBody(req, fail);
        const spec = { body: ['object'], 'visibility?': ['object'], 'properties?': ['array'] } as const;
        if (!checkFields('comment', body, spec, fail))
          return errors(400, [], { comment: 'Comment body can not be empty!' });
        checkAdf('comment.body', body.body, fail);
        if (JSON.stringify(body.body).length > 32767) {
          return errors(400, [], { comment: 'The entered text is too long. It exceeds the allowed limit.' });
        }
        issue.comments.push(body.body);
        const id = String(20000 + issues.reduce((a, i) => a + i.comments.length, 0));
        const author = { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Bosun', active: true };
        return {
          status: 201,
          body: {
            self: `${self.url}/rest/api/3/issue/${issue.id}/comment/${id}`,
            id,
            author,
            body: body.body,
            updateAuthor: author,
            created: '2026-01-01T00:00:00.000+0000',
            updated: '2026-01-01T00:00:00.000+0000',
            jsdPublic: true,
          },
        };
      }
      case 'GET issue/{key}/transitions': {
        const documented = ['expand', 'transitionId', 'skipRemoteOnlyCondition', 'includeUnavailableTransitions'];
        checkQuery(req.query, [...documented, 'sortByOpsBarAndStatus'], fail);
        if (!issue) return noIssue();
        const transitions = statuses
          .filter((s) => s.id !== issue.status && !(self.noDoneTransition && s.category === 'done'))
          .map((s) => ({
            id: s.transition,
            name: s.name,
            to: statusOf({ ...issue, status: s.id }),
            hasScreen: false,
            isGlobal: true,
            isInitial: false,
            isAvailable: true,
            isConditional: false,
            isLooped: false,
          }));
        return { status: 200, body: { expand: 'transitions', transitions } };
      }
      case 'POST issue/{key}/transitions': {
        if (!issue) return noIssue();
        const body = jsonBody(req, fail);
        const spec = {
          transition: ['object'],
          'fields?': ['object'],
          'update?': ['object'],
          'historyMetadata?': ['object'],
          'properties?': ['array'],
        } as const;
        if (!checkFields('transition', body, spec, fail)) return errors(400, ['The request body does not match.']);
        const id = (body.transition as { id?: unknown }).id;
        if (typeof id !== 'string') fail('transition.id is not a string');
        const to = statuses.find((s) => s.transition === id && s.id !== issue.status);
        if (!to || (self.noDoneTransition && to.category === 'done')) {
          return errors(400, [`Transition id '${String(id)}' is not valid for this issue.`]);
        }
        issue.status = to.id;
        return { status: 204 };
      }
      default:
        fail('not an endpoint of the Jira API the fake serves');
        return errors(404, ['Not found.']);
    }
  });
  Object.assign(self, http, {
    url: http.origin,
    project,
    email,
    apiToken,
    issueTypes: ['Task', 'Bug', 'Story'],
    issues,
    noDoneTransition: false,
  });
  return self;
}
