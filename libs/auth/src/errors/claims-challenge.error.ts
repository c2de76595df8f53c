import { AuthErrorCode } from './auth-error-codes.js';
import { withSolutions } from './potential-solutions.js';
import { TokenAcquisitionError, type TokenAcquisitionErrorDetails } from './token-acquisition.error.js';

/**
 * The identity provider needs the user to interact before it issues the downstream token:
 * consent is missing (AADSTS65001), MFA is required (AADSTS50076, 50079) or a Conditional Access
 * policy applies (AADSTS53003, …). The module's exception filter answers it with `401` and a
 * `WWW-Authenticate` claims challenge (see {@link ClaimsChallengeError.toWwwAuthenticateHeader}),
 * so the client can sign the user in again and retry.
 *
 * @example
 * ```ts
 * // Without the module's filter (e.g. in a GraphQL resolver), reply yourself:
 * catch (e) {
 *   if (e instanceof ClaimsChallengeError) {
 *     res.status(401).setHeader('WWW-Authenticate', e.toWwwAuthenticateHeader()).end();
 *   }
 * }
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/claims-challenge
 */
export class ClaimsChallengeError extends TokenAcquisitionError {
  override readonly name = 'ClaimsChallengeError';

  /**
   * @param details request context
   * @param claims the claims request JSON from the identity provider, verbatim (not base64); absent
   *   for consent or a Conditional Access block
   * @param authorizationUri the authorize endpoint the client should sign in at
   * @param options ES2022 `cause` (the msal-node `InteractionRequiredAuthError`)
   */
  constructor(
    details: TokenAcquisitionErrorDetails,
    readonly claims: string | undefined,
    readonly authorizationUri: string,
    options?: { cause?: unknown },
  ) {
    super(
      AuthErrorCode.ClaimsChallenge,
      withSolutions(
        `The identity provider requires user interaction before it issues a token for ${(details.scopes ?? []).join(' ') || 'the requested scopes'}` +
          `${details.aadstsCode ? ` (AADSTS${details.aadstsCode}${details.subError ? `, ${details.subError}` : ''})` : ''}.`,
        [
          'Let the exception reach the AuthModule exception filter: it answers 401 with a WWW-Authenticate claims challenge.',
          'The client signs the user in again with the `claims` from the challenge (MFA, Conditional Access) or grants consent, then retries.',
        ],
      ),
      details,
      options,
    );
  }

  /**
   * The value of the `WWW-Authenticate` header the web API returns with `401`.
   *
   * With claims (MFA, Conditional Access step-up), exactly:
   * `Bearer realm="", authorization_uri="<uri>", error="insufficient_claims", claims="<base64 of the claims JSON>"`.
   *
   * Without claims (consent, a Conditional Access block), the same parameters with
   * `error="interaction_required"` instead and no `claims`, so clients that look for
   * `insufficient_claims` do not loop on an empty claims request.
   *
   * @example
   * ```ts
   * e.toWwwAuthenticateHeader();
   * // Bearer realm="", authorization_uri="https://login.microsoftonline.com/<tid>/oauth2/v2.0/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsiY2Fw..."
   * ```
   */
  toWwwAuthenticateHeader(): string {
    const base = `Bearer realm="", authorization_uri="${this.authorizationUri}"`;
    if (this.claims) {
      return `${base}, error="insufficient_claims", claims="${Buffer.from(this.claims, 'utf8').toString('base64')}"`;
    }
    return `${base}, error="interaction_required"`;
  }
}
