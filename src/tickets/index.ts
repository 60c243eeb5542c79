// The tickets layer: escalation tickets in GitHub Issues or Jira Cloud. Callers
// build a target from a RiskPolicy's ticket configuration and the values of the
// Secret it names, and never see which system it is.
import type { z } from 'zod';
import { TicketConfig } from '../api/v1alpha1/ticket.js';
import { CREDENTIAL_PATTERNS, Redactor } from '../redact/index.js';
import { TicketError } from './errors.js';
import { githubTarget } from './github.js';
import { jiraTarget } from './jira.js';
import type { TicketTarget } from './target.js';

export { TicketError } from './errors.js';
export { fingerprintLabel } from './target.js';
export type { Evidence, Link, TicketRef, TicketRequest, TicketSections, TicketSystem, TicketTarget } from './target.js';

export interface TicketOptions {
  /**
   * The redaction the Remediation's other outputs get (its registered Secret values, the RiskPolicy's
   * optional patterns). The target's own credentials are registered in it as well. Default: credential
   * patterns only.
   */
  redactor?: Redactor;
  /** per HTTP call; default 30 s */
  timeoutMs?: number;
}

/**
 * A ticket target from its configuration and the decoded values of the Secret its secretRef names
 * (GitHub: the value of secretRef.key; Jira: the keys email and apiToken).
 */
export function ticketTarget(
  config: z.input<typeof TicketConfig>,
  credentials: Readonly<Record<string, string>>,
  opts: TicketOptions = {},
): TicketTarget {
  const parsed = TicketConfig.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TicketError('BOSUN_ERR_TICKET_CONFIG', `${issue?.path.join('.') || 'ticket'}: ${issue?.message}`);
  }
  const { github, jira } = parsed.data;
  const redactor = opts.redactor ?? new Redactor(CREDENTIAL_PATTERNS);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const need = (secret: string, key: string): string => {
    const v = credentials[key];
    if (!v) throw new TicketError('BOSUN_ERR_TICKET_CONFIG', `Secret ${secret} has no key ${key}, or it is empty`);
    redactor.addSecret(v);
    return v;
  };
  if (github) {
    return githubTarget({
      repository: github.repository,
      baseURL: github.baseURL,
      token: need(github.secretRef.name, github.secretRef.key),
      labels: github.labels,
      secret: github.secretRef,
      redactor,
      timeoutMs,
    });
  }
  if (!jira) throw new TicketError('BOSUN_ERR_TICKET_CONFIG', 'set exactly one of github or jira');
  return jiraTarget({
    url: jira.url,
    project: jira.project,
    issueType: jira.issueType,
    email: need(jira.secretRef.name, 'email'),
    apiToken: need(jira.secretRef.name, 'apiToken'),
    secretName: jira.secretRef.name,
    redactor,
    timeoutMs,
  });
}
