import { AuthErrorCode } from './auth-error-codes.js';
import type { DownstreamApiError } from './downstream-api.error.js';

/** The HTTP answer to a {@link DownstreamApiError} (the shape of the module filter's replies). @internal */
export interface DownstreamApiErrorReply {
  readonly status: number;
  readonly error: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Caller-safe: the API's configured name and status, never its body, a token or the query. */
  readonly message: string;
  readonly extra?: Readonly<Record<string, string | number>>;
}

/**
 * The HTTP answer for a downstream failure, for the module's exception filter:
 * 504 for a timeout; 503 + `Retry-After` when the downstream API answered 503/429 with
 * `Retry-After`; 502 for any other refusal, an unreachable API, an unusable answer or an app call
 * still challenged for claims; 500 for a call the application got wrong (unknown name, bad path).
 * @internal
 */
export function downstreamApiReplyFor(e: DownstreamApiError): DownstreamApiErrorReply {
  const extra = { downstreamApi: e.apiName, ...(e.status !== undefined ? { downstreamStatus: e.status } : {}) };
  switch (e.code) {
    case AuthErrorCode.DownstreamApiTimeout:
      return {
        status: 504,
        error: 'Gateway Timeout',
        headers: {},
        message: `The downstream API '${e.apiName}' did not answer in time.`,
        extra,
      };
    case AuthErrorCode.DownstreamApiRefused:
      if (e.retryAfterSeconds !== undefined) {
        return {
          status: 503,
          error: 'Service Unavailable',
          headers: { 'Retry-After': String(e.retryAfterSeconds) },
          message: `The downstream API '${e.apiName}' is unavailable. Retry later.`,
          extra,
        };
      }
      return badGateway(`The downstream API '${e.apiName}' failed (HTTP ${e.status ?? 'error'}).`, extra);
    case AuthErrorCode.DownstreamApiUnreachable:
      return badGateway(`The downstream API '${e.apiName}' is unreachable.`, extra);
    case AuthErrorCode.DownstreamApiInvalidResponse:
      return badGateway(`The downstream API '${e.apiName}' sent an unusable answer.`, extra);
    case AuthErrorCode.DownstreamApiClaimsChallenge:
      return badGateway(`The downstream API '${e.apiName}' refused this application's token.`, extra);
    default:
      return {
        status: 500,
        error: 'Internal Server Error',
        headers: {},
        message: 'A downstream API call is misconfigured.',
        extra: { downstreamApi: e.apiName },
      };
  }
}

function badGateway(message: string, extra: Readonly<Record<string, string | number>>): DownstreamApiErrorReply {
  return { status: 502, error: 'Bad Gateway', headers: {}, message, extra };
}
