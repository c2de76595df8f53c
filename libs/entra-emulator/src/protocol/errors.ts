import { EntraProtocolError } from './protocol-error.js';

export { EntraProtocolError, entraTimestamp, errorBody, type EntraErrorBody } from './protocol-error.js';

/** Shorthands for the AADSTS errors the emulator sends. @internal */
export const Errors = {
  missingParameter: (name: string) =>
    new EntraProtocolError(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    ),
  malformedRequest: (why: string) =>
    new EntraProtocolError(400, 'invalid_request', 90004, `Request is not properly formatted: ${why}`),
  postOnly: () => new EntraProtocolError(400, 'invalid_request', 900561, 'The endpoint only accepts POST requests.'),
  tenantNotFound: (tenant: string, error = 'invalid_request') =>
    new EntraProtocolError(
      400,
      error,
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    ),
  unsupportedGrant: () =>
    new EntraProtocolError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.'),
  appNotFound: (clientId: string, tenant: string) =>
    new EntraProtocolError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  noCredential: () =>
    new EntraProtocolError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  badSecret: (clientId: string) =>
    new EntraProtocolError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  secretExpired: (clientId: string) =>
    new EntraProtocolError(
      401,
      'invalid_client',
      7000222,
      `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app or consider using certificate credentials for added security.`,
    ),
  badAssertion: (why: string) =>
    new EntraProtocolError(401, 'invalid_client', 700027, `Client assertion failed signature validation. ${why}`),
  assertionTime: (now: number, nbf: unknown, exp: unknown) =>
    new EntraProtocolError(
      401,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${new Date(now * 1000).toISOString()}, assertion valid from ${typeof nbf === 'number' ? new Date(nbf * 1000).toISOString() : 'unknown'}, expiry time of assertion ${typeof exp === 'number' ? new Date(exp * 1000).toISOString() : 'unknown'}.`,
    ),
  malformedJwt: (what: string) =>
    new EntraProtocolError(400, 'invalid_request', 50027, `JWT token is invalid or malformed (${what}).`),
  scopeNeedsDefault: (scope: string) =>
    new EntraProtocolError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  invalidScope: (scope: string) =>
    new EntraProtocolError(
      400,
      'invalid_scope',
      70011,
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    ),
  multipleResources: (scope: string) =>
    new EntraProtocolError(
      400,
      'invalid_scope',
      28000,
      `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope} is not valid.`,
    ),
  resourceNotFound: (resource: string, tenant: string) =>
    new EntraProtocolError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  assertionInvalid: (why: string) =>
    new EntraProtocolError(400, 'invalid_grant', 50013, `Assertion failed signature validation. [Reason - ${why}]`),
  assertionAudience: (aud: string, expected: string) =>
    new EntraProtocolError(
      400,
      'invalid_grant',
      50013,
      `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${aud}' and the expected audience is '${expected}' or one of the Application Ids of the application.`,
    ),
  assertionExpired: (now: number, exp: number) =>
    new EntraProtocolError(
      400,
      'invalid_grant',
      500133,
      `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: ${new Date(now * 1000).toISOString()}, expiry time of assertion ${new Date(exp * 1000).toISOString()}.`,
    ),
  idTokenAssertion: () =>
    new EntraProtocolError(
      400,
      'invalid_grant',
      240002,
      "Input id_token cannot be used as 'urn:ietf:params:oauth:grant-type:jwt-bearer' grant.",
    ),
  appOnlyObo: (appId: string) =>
    new EntraProtocolError(
      400,
      'unauthorized_client',
      7000114,
      `Application '${appId}' is not allowed to make application on-behalf-of calls.`,
    ),
  consentRequired: (clientId: string, name: string) =>
    new EntraProtocolError(
      400,
      'invalid_grant',
      65001,
      `The user or administrator has not consented to use the application with ID '${clientId}' named '${name}'. Send an interactive authorization request for this user and resource.`,
      { suberror: 'consent_required' },
    ),
  mfaRequired: (resourceAppId: string, policyId: string) =>
    new EntraProtocolError(
      400,
      'invalid_grant',
      50076,
      `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resourceAppId}'.`,
      {
        suberror: 'basic_action',
        claims: JSON.stringify({ access_token: { capolids: { essential: true, values: [policyId] } } }),
      },
    ),
  blockedByCa: () =>
    new EntraProtocolError(
      400,
      'interaction_required',
      53003,
      'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
      { suberror: 'message_only' },
    ),
  userNotFound: (upn: string, tenant: string) =>
    new EntraProtocolError(
      400,
      'invalid_grant',
      50034,
      `The user account ${upn} does not exist in the ${tenant} directory. To sign into this application, the account must be added to the directory.`,
    ),
  badPassword: () =>
    new EntraProtocolError(
      400,
      'invalid_grant',
      50126,
      'Error validating credentials due to invalid username or password.',
    ),
  badGrant: (why: string) =>
    new EntraProtocolError(400, 'invalid_grant', 9002313, `Invalid request. Request is malformed or invalid. ${why}`),
  codeRedeemed: () =>
    new EntraProtocolError(
      400,
      'invalid_grant',
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    ),
  refreshTokenRevoked: () =>
    new EntraProtocolError(
      400,
      'invalid_grant',
      50173,
      'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
    ),
  refreshTokenExpired: () =>
    new EntraProtocolError(
      400,
      'invalid_grant',
      700082,
      'The refresh token has expired due to inactivity. The token was issued on a date and was inactive for the maximum lifetime.',
    ),
  codeExpired: () =>
    new EntraProtocolError(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
  pkce: () =>
    new EntraProtocolError(
      400,
      'invalid_grant',
      501481,
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    ),
  redirectMismatch: (uri: string, clientId: string) =>
    new EntraProtocolError(
      400,
      'invalid_request',
      50011,
      `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
    ),
  publicClientSecret: () =>
    new EntraProtocolError(
      400,
      'invalid_request',
      700025,
      "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    ),
  notFound: (path: string) =>
    new EntraProtocolError(404, 'invalid_request', 90100, `The request path '${path}' is not a known endpoint.`),
  methodNotAllowed: () =>
    new EntraProtocolError(405, 'invalid_request', 900561, 'The endpoint does not accept this HTTP method.'),
  internal: () =>
    new EntraProtocolError(500, 'server_error', 90033, 'A transient error has occurred. Please try again.'),
} as const;
