import { describe, expect, it } from '@jest/globals';
import { AuthError as MsalAuthError, ServerError } from '@azure/msal-node';
import {
  type AttemptOutcome,
  credentialReloadReason,
  shouldReloadCredential,
  withCredentialReload,
} from './credential-reload.policy.js';

const NETWORK = { status: 401, headers: {}, httpMs: 1 };

function rejected(code: string, aadsts: number): AttemptOutcome<string> {
  return { ok: false, error: new ServerError(code, 'correlation', `AADSTS${aadsts}: rejected`), network: NETWORK };
}

describe('credential reload policy', () => {
  // Microsoft.Identity.Web CertificateReloadLogicTests vectors.
  it.each([
    ['invalid_client', 'AADSTS700027: x', true],
    ['invalid_client', 'AADSTS700024: x', true],
    ['invalid_client', 'AADSTS7000214: x', true],
    ['invalid_client', 'AADSTS1000502: x', true],
    ['invalid_client', 'AADSTS7000274: x', true],
    ['invalid_client', 'aadsts7000277: x', true],
    ['invalid_client', 'AADSTS7000215: x', false],
    ['invalid_client', 'AADSTS700016: x', false],
    ['invalid_client', 'AADSTS7000222: x', false],
    ['invalid_client', 'AADSTS50011: x', false],
    ['invalid_client', 'AADSTS50012: x', false],
    ['invalid_grant', 'AADSTS700027: x', false],
    ['invalid_client', '', false],
  ])('reload on %s with %j → %s', (code, body, expected) => {
    expect(shouldReloadCredential(code, body)).toBe(expected);
  });

  it('names the AADSTS code as the reason to reload', () => {
    expect(credentialReloadReason(new ServerError('invalid_client', 'c', 'AADSTS700027: expired'))).toBe(
      'AADSTS700027',
    );
    expect(
      credentialReloadReason(new ServerError('invalid_client', 'c', 'AADSTS7000215: wrong secret')),
    ).toBeUndefined();
    expect(credentialReloadReason(new MsalAuthError('network_error', 'c', 'offline'))).toBeUndefined();
    expect(credentialReloadReason(new Error('AADSTS700027'))).toBeUndefined();
  });

  it('reloads and retries exactly once after a certificate answer', async () => {
    const outcomes = [rejected('invalid_client', 700027), rejected('invalid_client', 700027)];
    const reasons: string[] = [];
    let attempts = 0;
    const outcome = await withCredentialReload(
      () => Promise.resolve(outcomes[attempts++]!),
      true,
      (reason) => reasons.push(reason),
    );
    expect(attempts).toBe(2);
    expect(reasons).toEqual(['AADSTS700027']);
    expect(outcome.ok).toBe(false);
  });

  it('returns the second attempt when the reloaded credential works', async () => {
    const outcomes: AttemptOutcome<string>[] = [rejected('invalid_client', 7000274), { ok: true, result: 'token' }];
    let attempts = 0;
    const outcome = await withCredentialReload(
      () => Promise.resolve(outcomes[attempts++]!),
      true,
      () => undefined,
    );
    expect(outcome).toEqual({ ok: true, result: 'token' });
  });

  it('never retries a secret, a success or another refusal', async () => {
    for (const [first, reloadable] of [
      [rejected('invalid_client', 700027), false],
      [rejected('invalid_client', 7000215), true],
      [{ ok: true, result: 'token' }, true],
    ] as const) {
      let attempts = 0;
      let reloads = 0;
      await withCredentialReload(
        () => {
          attempts++;
          return Promise.resolve(first);
        },
        reloadable,
        () => reloads++,
      );
      expect({ attempts, reloads }).toEqual({ attempts: 1, reloads: 0 });
    }
  });
});
