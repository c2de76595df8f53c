import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { DownstreamApiError } from '../errors/downstream-api.error.js';
import { callDetails, type DownstreamCall } from './downstream-call.js';
import { excerpt, redactedBody } from './downstream-response.util.js';

/**
 * A non-2xx answer to a typed call (`NIW6002`), with a redacted excerpt of its body.
 * @internal
 */
export function refusedError(
  call: DownstreamCall,
  status: number,
  text: string,
  retryAfterSeconds: number | undefined,
): DownstreamApiError {
  const shown = excerpt(text);
  return DownstreamApiError.create(
    AuthErrorCode.DownstreamApiRefused,
    `Downstream API '${call.api.name}' answered ${call.method} ${call.path} with HTTP ${status}${shown ? `: ${shown}` : ''}.`,
    status === 401 || status === 403
      ? [
          `The API refused this app's token: check DownstreamApis__${call.api.name}__Scopes, the app permissions and admin consent.`,
        ]
      : [`Check the request and the health of '${call.api.name}'.`],
    callDetails(call, {
      status,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      ...(shown !== undefined ? { bodyExcerpt: shown } : {}),
      responseBody: redactedBody(text),
    }),
  );
}

/** A 2xx answer whose body is not the JSON a typed call expects. @internal */
export function invalidJsonError(
  call: DownstreamCall,
  status: number,
  contentType: string | null,
  cause: unknown,
): DownstreamApiError {
  return DownstreamApiError.create(
    AuthErrorCode.DownstreamApiInvalidResponse,
    `Downstream API '${call.api.name}' answered ${call.method} ${call.path} with a body that is not JSON (${contentType ?? 'no content-type'}).`,
    ["Pass responseType: 'text' or 'arrayBuffer' for non-JSON answers, or check the relative path."],
    callDetails(call, { status }),
    { cause },
  );
}

/** An app call still challenged for claims after its one retry with them. @internal */
export function appChallengedAgainError(call: DownstreamCall): DownstreamApiError {
  return DownstreamApiError.create(
    AuthErrorCode.DownstreamApiClaimsChallenge,
    `Downstream API '${call.api.name}' still answers a claims challenge to ${call.method} ${call.path} after one retry with its claims, for an app token.`,
    [
      'An app cannot satisfy user claims (MFA, Conditional Access): check the policies that apply to this workload identity.',
      'Check that this app declares the client capabilities the API expects (clientCapabilities, default cp1).',
    ],
    callDetails(call, { status: 401 }),
  );
}

/**
 * A request that got no (complete) answer: the call's timeout (`NIW6003`) or a network failure
 * (`NIW6004`); `what` is e.g. `is unreachable`. The caller's own cancellation is handled before.
 * @internal
 */
export function transportError(call: DownstreamCall, cause: unknown, what: string): DownstreamApiError {
  if (call.deadline.timeout?.aborted) {
    return DownstreamApiError.create(
      AuthErrorCode.DownstreamApiTimeout,
      `Downstream API '${call.api.name}' did not answer ${call.method} ${call.path} within ${call.timeoutMs} ms.`,
      [`Check the health of '${call.api.name}', or raise DownstreamApis__${call.api.name}__TimeoutMs.`],
      callDetails(call, { timeoutMs: call.timeoutMs }),
      { cause },
    );
  }
  const reason = networkReason(cause);
  return DownstreamApiError.create(
    AuthErrorCode.DownstreamApiUnreachable,
    `Downstream API '${call.api.name}' ${what} (${call.method} ${call.path}${reason ? `: ${reason}` : ''}).`,
    [`Check DownstreamApis__${call.api.name}__BaseUrl, DNS, TLS trust and that the API is running.`],
    callDetails(call, {}),
    { cause },
  );
}

/** `ECONNREFUSED`, `ENOTFOUND`, a TLS code…: fetch wraps them in `cause`. Never a URL with a query. */
function networkReason(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const message = (cause as { message?: unknown } | null)?.message;
  if (typeof message === 'string' && message) return message.replace(/\s+/g, ' ').slice(0, 100);
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== 'TypeError' ? name : undefined;
}
