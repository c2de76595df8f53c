import type { ServerResponse } from 'node:http';
import type { ResolvedTenant } from '../directory/directory.js';
import { b2cJwks, b2cMetadata, b2cUserFlow, unknownUserFlow } from '../protocol/b2c.js';
import { Errors } from '../protocol/errors.js';
import type { EmulatorState } from '../protocol/state.js';
import type { EmulatorRoute } from '../controls/request-log.js';
import { sendJson } from './http-util.js';

const CACHEABLE = { 'cache-control': 'max-age=86400, private', 'access-control-allow-origin': '*' } as const;

/** The parts of the request the B2C routes read. @internal */
export interface B2CDocumentRequest {
  readonly url: URL;
  readonly route: EmulatorRoute;
  readonly segments: readonly string[];
}

/**
 * The discovery document and keys of a B2C user flow, as B2C serves them: the flow in the path
 * (`/{tenant}/{flow}/v2.0/.well-known/openid-configuration`, what msal-node and
 * Microsoft.Identity.Web use) or in `p` (`/{tenant}/v2.0/.well-known/openid-configuration?p={flow}`,
 * what passport-azure-ad appends). There is no v1 document.
 * @internal
 */
export function serveB2CDocument(
  state: EmulatorState,
  res: ServerResponse,
  p: B2CDocumentRequest,
  tenant: ResolvedTenant,
): number {
  const lower = p.segments.map((s) => s.toLowerCase());
  const inPath = lower[1] !== undefined && /^b2c_1a?_/.test(lower[1]);
  const named = inPath ? p.segments[1] : p.url.searchParams.get('p');
  const flow = b2cUserFlow(tenant, named);
  if (!flow) throw named ? unknownUserFlow(named) : Errors.notFound(p.url.pathname);
  const rest = lower.slice(inPath ? 2 : 1).join('/');
  if (p.route === 'metadata' && rest === 'v2.0/.well-known/openid-configuration') {
    sendJson(res, 200, b2cMetadata(state, tenant, flow), CACHEABLE);
    return 200;
  }
  if (p.route === 'jwks' && rest === 'discovery/v2.0/keys') {
    sendJson(res, 200, b2cJwks(state.keys.published), CACHEABLE);
    return 200;
  }
  throw Errors.notFound(p.url.pathname);
}
