// Where an escalation opens its ticket: GitHub Issues or Jira Cloud. Not a kind
// of its own: a RiskPolicy carries it (spec.escalation.ticket). Each rule is
// said twice, as a zod check for the operator and as CEL for the API server,
// so a bad target is refused at apply time and never reached at escalation.
import { z } from 'zod';
import { LocalRef, SecretKeyRef, cel } from './common.js';

/**
 * A credential leaves the cluster over TLS only. Plain http is allowed to the
 * pod's own loopback (an egress proxy beside it) and nowhere else.
 */
export const SECURE_URL_PATTERN =
  '^(https://[^/?#@]+|http://(127[.]0[.]0[.]1|localhost|\\[::1\\])(:[0-9]+)?)([/?#].*)?$';
const secureURLMessage = 'must be an https:// URL (http:// only to 127.0.0.1 or localhost, an egress proxy in the pod)';

// A refine and CEL rather than .regex(): the API server then says the message, not "should match '^(https…'".
// CEL's strings read backslash escapes, so each backslash of the pattern is doubled.
const SecureURL = z
  .url()
  .max(2048)
  .refine((u) => new RegExp(SECURE_URL_PATTERN).test(u), secureURLMessage)
  .meta(cel({ rule: `self.matches('${SECURE_URL_PATTERN.replaceAll('\\', '\\\\')}')`, message: secureURLMessage }));

// GitHub's own limits: an owner (user or organisation) is 1-39 letters, digits
// and hyphens; a repository name up to 100 letters, digits, '.', '-' and '_'.
// No lookahead: the CRD carries the pattern, and Kubernetes reads it as RE2.
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;

export const GitHubTicket = z
  .object({
    repository: z
      .string()
      .max(140)
      .regex(REPOSITORY, 'must be owner/name, for example acme/payments')
      .describe('owner/name of the repository the issues are opened in'),
    baseURL: SecureURL.optional().describe(
      'The REST API root: default https://api.github.com; GitHub Enterprise Server: https://HOST/api/v3',
    ),
    secretRef: SecretKeyRef.describe(
      'The Secret key holding a token with Issues read and write on the repository ' +
        '(GitHub drops the labels of a token without it, and Bosun finds its issues by label)',
    ),
    labels: z
      .array(
        z
          .string()
          .min(1)
          .max(50)
          .regex(/^[^,]+$/, 'a GitHub label has no comma'),
      )
      .max(10)
      .default([])
      .describe("Labels every issue gets, beside Bosun's own bosun-<hash> label that finds it again"),
  })
  .describe('Open escalations as GitHub issues');
export type GitHubTicket = z.infer<typeof GitHubTicket>;

export const JiraTicket = z
  .object({
    url: SecureURL.describe('The Jira Cloud site, for example https://acme.atlassian.net'),
    project: z
      .string()
      .min(2)
      .max(10)
      .regex(/^[A-Z][A-Z0-9_]+$/, 'must be a Jira project key: upper-case letters, digits and _, for example OPS')
      .describe('The project key, for example OPS'),
    issueType: z.string().min(1).max(255).default('Task').describe('The issue type name in that project'),
    secretRef: LocalRef.describe(
      'A Secret with the keys email and apiToken: the Atlassian account and its API token (basic auth)',
    ),
  })
  .describe('Open escalations as Jira Cloud issues');
export type JiraTicket = z.infer<typeof JiraTicket>;

const exactlyOne = 'set exactly one of github or jira';

export const TicketConfig = z
  .object({ github: GitHubTicket.optional(), jira: JiraTicket.optional() })
  .refine((t) => (t.github === undefined) !== (t.jira === undefined), exactlyOne)
  .meta(cel({ rule: 'has(self.github) != has(self.jira)', message: exactlyOne }))
  .describe('Where an escalation opens its ticket: exactly one of github or jira');
export type TicketConfig = z.infer<typeof TicketConfig>;
