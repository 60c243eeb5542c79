// Every error Bosun reports carries a code from this table. Tests assert on
// codes, never on message text. docs: each entry says what it means and what
// to do; `BosunError.message` starts with the code.
export const errorCodes = {
  BOSUN_ERR_CONFIG: 'The operator configuration (flags or environment) is invalid; the message names the setting.',
  BOSUN_ERR_CERTIFICATE:
    "A certificate or private key does not parse or does not fit (a key that is not the certificate's, dates out of " +
    'order); the message names the Secret or file: replace it, or delete the Secret so Bosun issues a new one.',
  BOSUN_ERR_KUBE_CONFLICT: 'A write lost a resourceVersion race; the reconcile is retried with fresh state.',
  BOSUN_ERR_KUBE_NOT_FOUND: 'The object does not exist (any more).',
  BOSUN_ERR_KUBE_FORBIDDEN: "The operator's identity is not allowed to do this; grant it in config/rbac.",
  BOSUN_ERR_KUBE_GONE: 'The watch resourceVersion is too old (410 Gone); the informer relists.',
  BOSUN_ERR_KUBE_INVALID: 'The API server rejected the object as invalid.',
  BOSUN_ERR_KUBE_UNAVAILABLE: 'The API server could not be reached or answered 5xx; retried with backoff.',
  BOSUN_ERR_KUBE_REQUEST: 'The API server answered with an unexpected status.',
  BOSUN_ERR_STORE_UNAVAILABLE:
    "Bosun's etcd could not be reached after retries; the reconcile is retried and the resource shows StateStoreUnavailable.",
  BOSUN_ERR_STORE_CORRUPT: "A record in Bosun's etcd does not parse; it is left as it is and reported.",
  BOSUN_ERR_TERMINAL: 'A reconcile failed in a way retrying cannot fix; recorded on the resource, not retried.',
  BOSUN_ERR_NOT_LEADER: 'This replica lost leadership; it stops acting at once.',
  BOSUN_ERR_FENCED:
    "A write to Bosun's etcd carried an older fencing epoch than the current leader's: " +
    'this replica was deposed and the write was not made.',
  BOSUN_ERR_PLANNING: 'No plan can be made for this spec as it stands; the Goal is Stalled with the reason.',
  BOSUN_ERR_LLM_BUDGET: 'A model call would need more tokens than the Goal or its namespace has left.',
  BOSUN_ERR_EMPTY_PLAN:
    "The model proposed a plan with no step: the Goal is Stalled with the model's reasoning, " +
    'unless Bosun can see it is met.',
  BOSUN_ERR_TOOL_UNKNOWN: 'A plan names a tool the registry does not have.',
  BOSUN_ERR_TOOL_NOT_ALLOWED: "A plan names a tool outside the Goal's spec.tools allowlist.",
  BOSUN_ERR_TOOL_DENIED: "A plan names a tool the RiskPolicy's spec.tools.deny lists.",
  BOSUN_ERR_TOOL_PARAMS: "A step's parameters do not match the tool's schema; the message names the parameter.",
  BOSUN_ERR_TOOL_FAILED: 'A tool ran and failed; the message says why (forbidden, not found, timed out, …).',
  BOSUN_ERR_TARGET_OUTSIDE_NAMESPACE:
    "A step would act outside the Goal's namespace (another namespace, or a cluster-scoped kind).",
  BOSUN_ERR_KIND_UNKNOWN: 'A manifest names a kind the API server does not serve.',
  BOSUN_ERR_NO_EXECUTOR:
    'The target namespace has no executor ServiceAccount (bosun-executor): its admin creates and binds it.',
  BOSUN_ERR_ADMISSION_UNREADABLE:
    "Admission refused an object whose spec Bosun's own schema cannot read; the message names the first field and why.",
  BOSUN_ERR_REQUESTER_CHANGED: 'Admission refused a change to spec.requester, which the API server stamps at creation.',
  BOSUN_ERR_APPROVAL_FORGED:
    'Admission refused an Approval or a decision not made by whom it says: created by anyone but Bosun, ' +
    'with decisions at creation, or a decision not your own, not by a listed approver, by the requester or by Bosun.',
  BOSUN_ERR_APPROVAL_EDITED:
    "Admission refused an edit of an Approval's spec other than appending your one decision at the end.",
  BOSUN_ERR_APPROVAL_CLOSED: 'Admission refused a decision on an Approval that expired or was superseded.',
  BOSUN_ERR_TICKET_CONFIG:
    "A ticket target's configuration or its Secret is incomplete (a missing key, an unusable URL); " +
    'the message names it.',
  BOSUN_ERR_TICKET_AUTH:
    'The ticket system refused the credentials (401) or what they may do (403): fix the token or its permissions, ' +
    'as the message says.',
  BOSUN_ERR_TICKET_NOT_FOUND:
    'The ticket system has no such repository, project or issue (404, 410), or the credentials cannot see it.',
  BOSUN_ERR_TICKET_REJECTED:
    'The ticket system refused the request as invalid (400, 409, 422): the message names the fields ' +
    '(issue type, labels, fields the project requires).',
  BOSUN_ERR_TICKET_UNAVAILABLE:
    'The ticket system could not be reached, timed out, rate-limited or answered 5xx; retried with backoff.',
  BOSUN_ERR_TICKET_NO_TRANSITION:
    "Jira offers no transition from the issue's status to one in the Done category: add one to the workflow " +
    'or close the issue by hand.',
  BOSUN_ERR_INTAKE_UNAUTHENTICATED:
    'The alert intake refused a request without a bearer token, or with one the intake Secret does not hold (401).',
  BOSUN_ERR_INTAKE_REQUEST:
    'The alert intake takes a JSON POST within its size limit; the method (405), content type (415) or size (413) ' +
    'was not that.',
  BOSUN_ERR_INTAKE_PAYLOAD:
    'The alert intake body is not JSON (400), or not an Alertmanager webhook payload of version 4 (422); ' +
    'the message names the field.',
  BOSUN_ERR_INTAKE_UNAVAILABLE: 'Bosun could not take in the alerts just now (503); Alertmanager retries them.',
  BOSUN_ERR_NOTIFY:
    "A pipeline report could not be told: Slack or GitHub refused it, could not be reached, or the target's Secret " +
    'is missing or unusable; the message names the target and what to fix (never the URL or the token).',
  BOSUN_ERR_SANDBOX:
    'The runner cannot sandbox a stage command: bubblewrap (bwrap) or prlimit is missing or cannot create ' +
    'the namespaces here, or the request is unusable; the message says what to install or change.',
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class BosunError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
    this.name = 'BosunError';
  }
}

export const hasCode = (err: unknown, code: ErrorCode): boolean => err instanceof BosunError && err.code === code;

/** A readable message for anything thrown, for logs and status. */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
