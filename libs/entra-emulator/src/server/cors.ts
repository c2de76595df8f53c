import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request headers a browser may ask to send to the token endpoint (letters, digits, `-`, `,`, spaces). */
const REQUESTED_HEADERS = /^[A-Za-z0-9\-, ]{1,512}$/;

/**
 * Cross-origin code redemption on the token endpoint, for browser clients such as Swagger UI or a
 * single-page app: Entra ID answers the preflight and puts `Access-Control-Allow-Origin` on token
 * answers (and errors) for redirect URIs of the "Single-page application" platform. The emulator
 * allows any origin, since its public clients have no platform types.
 *
 * Sets the CORS headers when the request carries an `Origin`; answers an `OPTIONS` preflight itself
 * (204) and returns `true` then.
 * @internal
 */
export function applyTokenEndpointCors(req: IncomingMessage, res: ServerResponse, method: string): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === '') return false;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', 'client-request-id');
  if (method !== 'OPTIONS') return false;
  req.resume();
  const requested = req.headers['access-control-request-headers'];
  res
    .writeHead(204, {
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers':
        typeof requested === 'string' && REQUESTED_HEADERS.test(requested) ? requested : 'content-type',
      'access-control-max-age': '600',
      'content-length': '0',
    })
    .end();
  return true;
}
