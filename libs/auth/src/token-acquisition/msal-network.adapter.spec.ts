import { describe, expect, it } from '@jest/globals';
import type {
  IdentityProviderRequest,
  IdentityProviderResponse,
  IdentityProviderTransport,
} from '../http/identity-provider-transport.interface.js';
import { MsalNetworkAdapter } from './msal-network.adapter.js';

class ScriptedTransport implements IdentityProviderTransport {
  readonly requests: IdentityProviderRequest[] = [];
  constructor(private readonly answer: IdentityProviderResponse | Error) {}
  request(_url: string, request: IdentityProviderRequest = {}): Promise<IdentityProviderResponse> {
    this.requests.push(request);
    return this.answer instanceof Error ? Promise.reject(this.answer) : Promise.resolve(this.answer);
  }
}

describe('MsalNetworkAdapter', () => {
  it('hands msal the JSON answer and captures its status and lower-cased headers', async () => {
    const transport = new ScriptedTransport({ status: 429, headers: { 'Retry-After': '5' }, body: '{"error":"x"}' });
    const adapter = new MsalNetworkAdapter(transport, 1_000);
    const res = await adapter.sendPostRequestAsync('https://127.0.0.1/token', { body: 'a=b' });
    expect(res).toMatchObject({ status: 429, body: { error: 'x' }, headers: { 'retry-after': '5' } });
    expect(transport.requests[0]).toMatchObject({ method: 'POST', body: 'a=b', timeoutMs: 1_000 });
    const outcome = adapter.outcome();
    expect(outcome).toMatchObject({ status: 429, headers: { 'retry-after': '5' } });
    expect(outcome.unreachable).toBeUndefined();
    expect(outcome.httpMs).toBeGreaterThanOrEqual(0);
  });

  it('gives msal an OAuth-shaped error for a non-JSON answer', async () => {
    const adapter = new MsalNetworkAdapter(new ScriptedTransport({ status: 502, headers: {}, body: '<html>' }), 1_000);
    const res = await adapter.sendGetRequestAsync('https://127.0.0.1/x');
    expect(res.body).toEqual({ error: 'invalid_response', error_description: 'non-JSON answer with HTTP 502' });
  });

  it('records an unreachable identity provider in its outcome and rethrows', async () => {
    const adapter = new MsalNetworkAdapter(new ScriptedTransport(new Error('connect ECONNREFUSED')), 1_000);
    await expect(adapter.sendPostRequestAsync('https://127.0.0.1/token')).rejects.toThrow('ECONNREFUSED');
    expect(adapter.outcome().unreachable?.message).toBe('connect ECONNREFUSED');
    expect(adapter.outcome().status).toBeUndefined();
  });
});
