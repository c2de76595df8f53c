// Verifies a token with jsonwebtoken and jwks-rsa in a plain Node process. jwks-rsa 4 require()s the
// ESM-only jose 6, which Node 20.19+ does natively but jest's module registry cannot.
// Input (JSON in INTEROP_INPUT): { token, jwksUri, ca, issuer, audience, clockTimestamp? }.
// Output (JSON on stdout): { ok: true, payload } or { ok: false, name, message }.
import https from 'node:https';
import jwt from 'jsonwebtoken';
import jwksRsa from 'jwks-rsa';

const input = JSON.parse(process.env.INTEROP_INPUT ?? '{}');
const agent = new https.Agent({ ca: [input.ca] });
const client = jwksRsa({ jwksUri: input.jwksUri, requestAgent: agent });
try {
  const kid = jwt.decode(input.token, { complete: true })?.header.kid;
  const key = await client.getSigningKey(kid);
  const payload = jwt.verify(input.token, key.getPublicKey(), {
    algorithms: ['RS256'],
    issuer: input.issuer,
    audience: input.audience,
    ...(input.clockTimestamp !== undefined ? { clockTimestamp: input.clockTimestamp } : {}),
  });
  process.stdout.write(JSON.stringify({ ok: true, payload }));
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, name: e.name, message: e.message }));
} finally {
  agent.destroy();
}
