// Escalation tickets as Jira Cloud issues, through jira.js (REST v3, whose
// descriptions and comments are Atlassian Document Format). A fingerprint's
// issue is the issue of the project labelled bosun-<hash> whose status is not
// in the Done category (the oldest, should there be two). Jira's limits: a
// summary of 255 characters on one line, 32767 characters of description or
// comment, counted here on the ADF's JSON, which is never shorter than its text.
// Jira's enhanced search is eventually consistent: an issue created a moment
// ago may not be found yet; a retry after a crash comes later than that.
import { Version3Client } from 'jira.js';
import type { Redactor } from '../redact/index.js';
import { adf, adfText, type AdfDoc } from './adf.js';
import { TicketError, fieldNames, networkFailure, ticketError, type CallFailure, type Fixes } from './errors.js';
import { cut, fitSections, oneLine, redactRequest } from './fit.js';
import { fingerprintLabel, type TicketRef, type TicketRequest, type TicketTarget } from './target.js';

export const JIRA_SUMMARY_MAX = 255;
export const JIRA_TEXT_MAX = 32767;

export interface JiraTargetOptions {
  /** the site, https://acme.atlassian.net */
  url: string;
  project: string;
  issueType: string;
  email: string;
  apiToken: string;
  /** the Secret holding email and apiToken, to say what to fix: never their values */
  secretName: string;
  redactor: Redactor;
  timeoutMs: number;
}

function failureOf(err: unknown): CallFailure {
  // jira.js throws an HttpException with the answer in `response` when there was one, else axios' own error
  const e = err as { status?: unknown; isAxiosError?: unknown; response?: { data?: unknown } };
  if (e?.isAxiosError === true || typeof e?.status !== 'number' || typeof e.response !== 'object' || !e.response) {
    return { network: networkFailure(err) };
  }
  const errors = (e.response.data as { errors?: unknown } | undefined)?.errors;
  return {
    status: e.status,
    fields: errors && typeof errors === 'object' ? fieldNames(Object.keys(errors)) : [],
  };
}

const size = (doc: AdfDoc) => JSON.stringify(doc).length;

/** A comment's ADF within Jira's limit: its text cut by what is over until it fits. */
function fitText(text: string): AdfDoc {
  let t = text;
  for (let doc = adfText(t); ; doc = adfText(t)) {
    const over = size(doc) - JIRA_TEXT_MAX;
    if (over <= 0 || t.length === 0) return doc;
    t = cut(t, Math.max(0, t.length - over));
  }
}

export function jiraTarget(o: JiraTargetOptions): TicketTarget {
  const site = o.url.replace(/\/+$/, '');
  const client = new Version3Client({
    host: site,
    authentication: { basic: { email: o.email, apiToken: o.apiToken } },
    // a redirect would be followed with the credentials to wherever it points: refuse it instead
    baseRequestConfig: { timeout: o.timeoutMs, maxRedirects: 0 },
  });
  const fixes: Fixes = {
    auth: `check email and apiToken in Secret ${o.secretName}: the token is wrong, expired or revoked`,
    forbidden:
      `the account in Secret ${o.secretName} needs Browse projects, Create issues, Add comments ` +
      `and Transition issues in project ${o.project}`,
    notFound: `check url ${site} and project ${o.project}; Jira answers 404 also to an account that cannot see it`,
    rejected: `check issueType ${o.issueType} and the fields project ${o.project} requires`,
  };
  const call = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw ticketError('Jira', action, failureOf(err), fixes);
    }
  };
  const keyOf = (ref: TicketRef): string => {
    if (ref.system !== 'jira' || !/^[A-Z][A-Z0-9_]+-[1-9][0-9]*$/.test(ref.id)) {
      throw new TicketError('BOSUN_ERR_TICKET_CONFIG', `${ref.system} ticket ${ref.id} is not a Jira issue key`);
    }
    return ref.id;
  };
  const refOf = (key: string): TicketRef => ({ system: 'jira', id: key, url: `${site}/browse/${key}` });
  const postComment = (key: string, body: AdfDoc) =>
    call(`commenting on ${key}`, () => client.issueComments.addComment({ issueIdOrKey: key, comment: body }));
  const clean = (text: string) => fitText(o.redactor.redact(text).text);

  return {
    system: 'jira',

    async open(t: TicketRequest): Promise<TicketRef> {
      const label = fingerprintLabel(t.fingerprint);
      const req = redactRequest(t, o.redactor);
      const footer = `Opened by Bosun. It finds this issue again by its label ${label}: keep the label.`;
      const doc = (lead: string) =>
        adf(
          fitSections(req.sections, (s) => size(adf(s, footer, lead)), JIRA_TEXT_MAX),
          footer,
          lead,
        );

      // the project key and the label are [A-Z0-9_] and [a-z0-9-]: nothing in them needs escaping in JQL
      const jql =
        `project = "${o.project}" AND labels = "${label}" AND statusCategory != Done ` + 'ORDER BY created ASC';
      const search = await call(`searching project ${o.project} for ${label}`, () =>
        client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
          jql,
          fields: ['summary', 'status'],
          maxResults: 10,
        }),
      ).catch((err: unknown) => {
        // the query is fixed but for the project: Jira answers 400 to a project it does not have, or does not show
        if (!(err instanceof TicketError) || err.status !== 400) throw err;
        throw new TicketError(
          'BOSUN_ERR_TICKET_NOT_FOUND',
          `Jira answered HTTP 400 to searching project ${o.project}: ${fixes.notFound}`,
          400,
        );
      });
      const found = search.issues?.find((i) => i.key);
      if (found?.key) {
        await postComment(found.key, doc(`Seen again: ${oneLine(req.title, JIRA_SUMMARY_MAX)}`));
        return refOf(found.key);
      }

      const created = await call(`creating a ${o.issueType} in project ${o.project}`, () =>
        client.issues.createIssue({
          fields: {
            project: { key: o.project },
            issuetype: { name: o.issueType },
            summary: oneLine(req.title, JIRA_SUMMARY_MAX) || label,
            description: doc(''),
            labels: [label],
          },
        }),
      );
      return refOf(created.key);
    },

    async comment(ref: TicketRef, text: string): Promise<void> {
      await postComment(keyOf(ref), clean(text));
    },

    async close(ref: TicketRef, text: string): Promise<void> {
      const key = keyOf(ref);
      const issue = await call(`reading ${key}`, () =>
        client.issues.getIssue({ issueIdOrKey: key, fields: ['status'] }),
      );
      const category = (issue.fields?.status as { statusCategory?: { key?: string } } | undefined)?.statusCategory;
      if (category?.key === 'done') return;
      const { transitions = [] } = await call(`listing the transitions of ${key}`, () =>
        client.issues.getTransitions({ issueIdOrKey: key }),
      );
      const done = transitions.find((tr) => tr.id && tr.to?.statusCategory?.key === 'done' && tr.isAvailable !== false);
      if (!done?.id) {
        throw new TicketError(
          'BOSUN_ERR_TICKET_NO_TRANSITION',
          `Jira offers ${key} no transition to a status in the Done category: ` +
            `add one to the workflow of project ${o.project}, or close ${key} by hand`,
        );
      }
      await postComment(key, clean(text));
      const id = done.id;
      await call(`closing ${key}`, () => client.issues.doTransition({ issueIdOrKey: key, transition: { id } }));
    },
  };
}
