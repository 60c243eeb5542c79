// What the ticket tests share: each system behind its loopback fake, seen the
// same way (its tickets, their labels, comments and state), a watch on every
// outgoing connection, and requests that carry credentials where they must not
// go.
import net from 'node:net';
import { vi } from 'vitest';
import type { FakeHttp } from '../../test/support/fake-http.js';
import { startFakeGitHub, type FakeGitHub } from '../../test/support/github-api.js';
import { startFakeJira, type FakeJira } from '../../test/support/jira-api.js';
import { noise } from '../redact/formats.testdata.js';
import { ticketTarget, type TicketOptions } from './index.js';
import type { TicketRequest, TicketSystem, TicketTarget } from './target.js';

/** A ticket as the fake keeps it, in the same terms for both systems. */
export interface Seen {
  id: string;
  title: string;
  labels: string[];
  done: boolean;
  /** the description and every comment, as JSON text */
  text: string;
  comments: number;
}

export interface Harness {
  system: TicketSystem;
  fake: FakeHttp;
  /** the credential the target was given */
  secret: string;
  target: (opts?: TicketOptions & { credential?: string; where?: 'elsewhere' }) => TicketTarget;
  tickets: () => Seen[];
  close: () => Promise<void>;
}

export async function githubHarness(): Promise<Harness & { fake: FakeGitHub }> {
  const fake = await startFakeGitHub();
  return {
    system: 'github',
    fake,
    secret: fake.token,
    target: (opts = {}) =>
      ticketTarget(
        {
          github: {
            repository: opts.where === 'elsewhere' ? 'acme/elsewhere' : fake.repository,
            baseURL: fake.baseURL,
            secretRef: { name: 'github-token', key: 'token' },
            labels: ['bosun'],
          },
        },
        { token: opts.credential ?? fake.token },
        opts,
      ),
    tickets: () =>
      fake.issues.map((i) => ({
        id: String(i.number),
        title: i.title,
        labels: i.labels,
        done: i.state === 'closed' && i.state_reason === 'completed',
        text: JSON.stringify([i.body, ...i.comments]),
        comments: i.comments.length,
      })),
    close: () => fake.close(),
  };
}

export async function jiraHarness(): Promise<Harness & { fake: FakeJira }> {
  const fake = await startFakeJira();
  return {
    system: 'jira',
    fake,
    secret: fake.apiToken,
    target: (opts = {}) =>
      ticketTarget(
        {
          jira: {
            url: fake.url,
            project: opts.where === 'elsewhere' ? 'ELSE' : fake.project,
            secretRef: { name: 'jira-credentials' },
          },
        },
        { email: fake.email, apiToken: opts.credential ?? fake.apiToken },
        opts,
      ),
    tickets: () =>
      fake.issues.map((i) => ({
        id: i.key,
        title: i.summary,
        labels: i.labels,
        done: i.status === '10001',
        text: JSON.stringify([i.description, ...i.comments]),
        comments: i.comments.length,
      })),
    close: () => fake.close(),
  };
}

/** Every host a socket connects to while it runs (HTTP clients all end in net.Socket#connect). */
export function watchConnections() {
  const spy = vi.spyOn(net.Socket.prototype, 'connect');
  const hosts = () =>
    spy.mock.calls.map((args: unknown[]) => {
      const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
      if (typeof first === 'object' && first !== null) {
        const o = first as { host?: string; path?: string };
        return o.path ? `unix:${o.path}` : (o.host ?? 'localhost');
      }
      return typeof args[1] === 'string' ? args[1] : 'localhost';
    });
  return { hosts, restore: () => spy.mockRestore() };
}

/** Credentials of kinds the redaction knows, as they would appear in evidence. */
export const leaks = {
  githubToken: 'gh' + 'p_' + noise(36, 901),
  password: noise(18, 902),
};

export function request(fingerprint: string, over: Partial<TicketRequest['sections']> = {}): TicketRequest {
  return {
    fingerprint,
    title: `deployment/web in shop keeps crashing (${fingerprint})`,
    sections: {
      diagnosis: 'The container exits with code 137 a minute after start: the memory limit is too low.',
      evidence: [{ source: 'pod/web-7c9 logs', summary: 'OOMKilled\nlast state: Terminated (exit code 137)' }],
      tried: ['raise memory to 512Mi: the rollout did not become ready', 'roll back to revision 3: still crashing'],
      links: [{ title: 'Remediation', url: 'https://console.example/shop/remediations/web-oom' }],
      ...over,
    },
  };
}
