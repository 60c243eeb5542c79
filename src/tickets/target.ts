// What an escalation asks of a ticket system, whichever it is. One ticket per
// issue fingerprint: the ticket carries a label derived from the fingerprint,
// so that after a crash `open` finds the ticket it made instead of making a
// second one.
import { createHash } from 'node:crypto';

export interface Evidence {
  /** where it was seen: `pod/web-7c9 logs`, `event/web.17a2…` */
  source: string;
  summary: string;
}

export interface Link {
  title: string;
  url: string;
}

export interface TicketSections {
  diagnosis: string;
  evidence: readonly Evidence[];
  /** what Bosun tried, in order, and how each attempt ended */
  tried: readonly string[];
  links: readonly Link[];
}

export interface TicketRequest {
  /** the identity across Remediations: the same fingerprint, the same ticket */
  fingerprint: string;
  title: string;
  sections: TicketSections;
}

export type TicketSystem = 'github' | 'jira';

export interface TicketRef {
  system: TicketSystem;
  /** GitHub: the issue number; Jira: the issue key (OPS-42) */
  id: string;
  /** where a person reads it: the html_url, or the Jira site's /browse/KEY */
  url: string;
}

export interface TicketTarget {
  readonly system: TicketSystem;
  /** Opens the fingerprint's ticket, or comments on the open one it already has and returns that. */
  open(t: TicketRequest): Promise<TicketRef>;
  comment(ref: TicketRef, text: string): Promise<void>;
  /** Comments, then closes as done; a ticket already closed is left as it is. */
  close(ref: TicketRef, text: string): Promise<void>;
}

/** The label that finds a fingerprint's ticket again: 48 bits of its sha256, lower-case hex. */
export function fingerprintLabel(fingerprint: string): string {
  return `bosun-${createHash('sha256').update(fingerprint).digest('hex').slice(0, 12)}`;
}
