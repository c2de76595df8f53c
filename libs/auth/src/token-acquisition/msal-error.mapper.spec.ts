import { describe, expect, it } from '@jest/globals';
import { AuthError as MsalAuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { AuthErrorCode } from '../errors/auth-error-codes.js';
import { ClaimsChallengeError } from '../errors/claims-challenge.error.js';
import { IdentityProviderUnavailableError } from '../errors/identity-provider-unavailable.error.js';
import { TokenAcquisitionError } from '../errors/token-acquisition.error.js';
import { aadstsOf, mapMsalError } from './msal-error.mapper.js';
import type { NetworkOutcome } from './msal-network.adapter.js';

const BASE = { flow: 'onBehalfOf', scopes: ['api://x/read'], tenantId: 'tid', correlationId: 'corr' } as const;
const INSTANCE = 'https://login.example.test/';
const answered = (status: number, headers: Record<string, string> = {}): NetworkOutcome => ({
  status,
  headers,
  httpMs: 3,
});

describe('mapMsalError', () => {
  it('reports an unreachable token endpoint as 503 material, whatever msal made of it', () => {
    const network: NetworkOutcome = {
      unreachable: new Error('connect ECONNREFUSED 127.0.0.1:1'),
      headers: {},
      httpMs: 1,
    };
    const error = mapMsalError(new MsalAuthError('network_error', 'c', 'x'), network, BASE, INSTANCE);
    expect(error).toBeInstanceOf(IdentityProviderUnavailableError);
    expect(error).toMatchObject({ code: AuthErrorCode.TokenEndpointUnavailable, retryAfterSeconds: 10 });
  });

  it('reads Retry-After of a 429 or 5xx answer from the captured response', () => {
    const error = mapMsalError(
      new ServerError('temporarily_unavailable', 'c', 'busy'),
      answered(429, { 'retry-after': '7' }),
      BASE,
      INSTANCE,
    );
    expect(error).toMatchObject({ code: AuthErrorCode.TokenEndpointUnavailable, retryAfterSeconds: 7 });
    expect(mapMsalError(new ServerError('server_error', 'c', 'x'), answered(503), BASE, INSTANCE)).toMatchObject({
      retryAfterSeconds: 10,
    });
  });

  it('turns interaction required into a claims challenge pointing at the tenant authorize endpoint', () => {
    const msal = new InteractionRequiredAuthError(
      'invalid_grant',
      'c',
      'AADSTS50076: MFA',
      'basic_action',
      '',
      '',
      '{"access_token":{}}',
    );
    const error = mapMsalError(msal, answered(400), BASE, INSTANCE);
    expect(error).toBeInstanceOf(ClaimsChallengeError);
    expect(error).toMatchObject({ claims: '{"access_token":{}}', aadstsCode: 50076 });
  });

  it('keeps the AADSTS code, the status and a hint for a refusal, never more than the description', () => {
    const msal = new ServerError(
      'invalid_client',
      'c',
      'AADSTS7000215: Invalid client secret provided. Trace ID: t Correlation ID: c Timestamp: z',
    );
    const error = mapMsalError(msal, answered(401), BASE, INSTANCE) as TokenAcquisitionError;
    expect(error).toBeInstanceOf(TokenAcquisitionError);
    expect(error).toMatchObject({ code: AuthErrorCode.TokenRequestFailed, aadstsCode: 7000215, status: 401 });
    expect(error.message).toContain('client secret is wrong');
    expect(error.message).not.toContain('Trace ID');
  });

  it('passes our own errors through unchanged', () => {
    const ours = TokenAcquisitionError.create(AuthErrorCode.TokenRequestFailed, 'x', [], BASE);
    expect(mapMsalError(ours, answered(200), BASE, INSTANCE)).toBe(ours);
  });

  it('reads the AADSTS number from errorNo, else from the message', () => {
    expect(aadstsOf({ errorNo: '50076' }, undefined)).toBe(50076);
    expect(aadstsOf({}, 'AADSTS700027: expired')).toBe(700027);
    expect(aadstsOf({}, 'no code')).toBeUndefined();
  });
});
