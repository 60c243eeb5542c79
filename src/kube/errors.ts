// Maps API server answers to coded errors.
import { BosunError, type ErrorCode } from '../api/errors.js';

export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: unknown;
}

export class KubeApiError extends BosunError {
  constructor(
    code: ErrorCode,
    readonly httpStatus: number,
    readonly status: KubeStatus | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(code, detail, options);
    this.name = 'KubeApiError';
  }
}

export function codeForStatus(http: number): ErrorCode {
  if (http === 409) return 'BOSUN_ERR_KUBE_CONFLICT';
  if (http === 404) return 'BOSUN_ERR_KUBE_NOT_FOUND';
  if (http === 403 || http === 401) return 'BOSUN_ERR_KUBE_FORBIDDEN';
  if (http === 410) return 'BOSUN_ERR_KUBE_GONE';
  if (http === 422 || http === 400) return 'BOSUN_ERR_KUBE_INVALID';
  if (http === 429 || http >= 500 || http === 0) return 'BOSUN_ERR_KUBE_UNAVAILABLE';
  return 'BOSUN_ERR_KUBE_REQUEST';
}

export function apiError(http: number, body: string, what: string): KubeApiError {
  let status: KubeStatus | undefined;
  try {
    status = JSON.parse(body) as KubeStatus;
  } catch {
    status = undefined;
  }
  const detail = `${what}: ${http} ${status?.reason ?? ''} ${status?.message ?? body.slice(0, 300)}`
    .replace(/\s+/g, ' ')
    .trim();
  return new KubeApiError(codeForStatus(http), http, status, detail);
}
