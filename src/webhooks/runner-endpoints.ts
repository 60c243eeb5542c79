// The runners' endpoints on Bosun's HTTPS server (/runner/register, claim,
// heartbeat, report). Each request is read within MAX_BODY_BYTES, signed by a
// runner whose key is in the runners' Secret (HMAC with a timestamp and a
// nonce: unsigned, forged, replayed and late requests are refused with 401 and
// change nothing), and must name the runner that signed it. What a runner may
// then do is the queue's to say: only the runner that took an attempt reports
// it, once per state.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { errorMessage } from '../api/errors.js';
import { acceptRunnerRequest } from '../runner/runner-accept.js';
import {
  ClaimRequest,
  encodeBody,
  HeartbeatRequest,
  MAX_BODY_BYTES,
  NOT_REGISTERED,
  RegisterRequest,
  Report,
  RUNNER_PATHS,
  type ErrorBody,
} from '../runner/protocol.js';
import type { RequestVerifier } from '../runner/sign.js';
import type { Logger } from '../telemetry/logger.js';
import { readBody } from './body.js';
import { HEARTBEAT_SECONDS, type QueueRefusal, type RunnerQueue } from './runner-queue.js';

export interface RunnerEndpointsOptions {
  queue: RunnerQueue;
  verifier: RequestVerifier;
  /** a finished report: the stage's run looks at it now rather than at its next poll */
  onReport?: (id: string) => void;
}

const send = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

const refusal = (r: QueueRefusal): [number, ErrorBody] => [
  409,
  { reason: r.reason === 'NotRegistered' ? NOT_REGISTERED : r.reason, message: r.message },
];

export const isRunnerPath = (url: string | undefined) =>
  Object.values(RUNNER_PATHS).includes((url ?? '').split('?')[0] as never);

export function runnerEndpoints(opts: RunnerEndpointsOptions, log: Logger) {
  const { queue } = opts;

  async function handle<S extends z.ZodType<{ runner: string }>>(
    req: IncomingMessage,
    schema: S,
    act: (runner: string, body: z.infer<S>) => Promise<[number, unknown]>,
  ): Promise<[number, unknown]> {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body) return [413, { reason: 'TooLarge', message: `the body is larger than ${MAX_BODY_BYTES} bytes` }];
    const accepted = acceptRunnerRequest(opts.verifier, schema, {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
    });
    if (!accepted.ok) {
      log.info({ path: req.url, status: accepted.status, reason: accepted.body.reason }, 'runner request refused');
      return [accepted.status, accepted.body];
    }
    return act(accepted.runner, accepted.body);
  }

  const routes: Record<string, (req: IncomingMessage) => Promise<[number, unknown]>> = {
    [RUNNER_PATHS.register]: (req) =>
      handle(req, RegisterRequest, async (runner, body) => {
        await queue.register(runner, body.capacity, body.version, body.running);
        log.info({ runner, capacity: body.capacity, version: body.version }, 'runner registered');
        return [200, { heartbeatSeconds: HEARTBEAT_SECONDS }];
      }),
    [RUNNER_PATHS.claim]: (req) =>
      handle(req, ClaimRequest, async (runner, body) => {
        const got = await queue.claim(runner, body.free);
        if (!Array.isArray(got)) return refusal(got);
        const encoded = encodeBody({ work: got });
        // each item is bounded, and a runner takes few: a claim that does not fit is a bug, not a request to cut
        if (!encoded.ok) throw new Error(`a claim of ${got.length} item(s) does not fit in ${MAX_BODY_BYTES} bytes`);
        return [200, { work: got }];
      }),
    [RUNNER_PATHS.heartbeat]: (req) =>
      handle(req, HeartbeatRequest, async (runner, body) => {
        const stop = await queue.heartbeat(runner, body.running);
        return Array.isArray(stop) ? [200, { cancel: stop }] : refusal(stop);
      }),
    [RUNNER_PATHS.report]: (req) =>
      handle(req, Report, async (runner, body) => {
        const refused = await queue.report(runner, body);
        if (refused) return refusal(refused);
        if (body.state === 'finished') opts.onReport?.(body.id);
        return [200, { ok: true }];
      }),
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    const route = routes[(req.url ?? '').split('?')[0] ?? ''];
    if (!route) return send(res, 404, { reason: 'NotFound', message: 'no such runner endpoint' });
    route(req).then(
      ([status, body]) => send(res, status, body),
      (err: unknown) => {
        log.warn({ path: req.url, err: errorMessage(err) }, 'a runner request failed');
        send(res, 503, { reason: 'Unavailable', message: 'Bosun could not take the request now; try again' });
      },
    );
  };
}
