import type { FaultSpec } from '../controls/faults.js';
import type { EntraEmulator } from '../emulator.js';
import type { IssueTokenOptions, SignInInput } from '../emulator.types.js';
import { EntraProtocolError } from '../protocol/errors.js';
import type { ControlRouteHandler } from './control-server.js';

/**
 * The `/__emulator/*` routes (served when `httpControls` is on): the emulator's in-process API over HTTP.
 * @internal
 */
export function createControlRoutes(emu: EntraEmulator): ControlRouteHandler {
  return async (method, path, body) => {
    const b = (body ?? {}) as Record<string, unknown>;
    const route = `${method} ${path.replace(/\/$/, '')}`;
    switch (route) {
      case 'POST /__emulator/tokens': {
        const opts = (b['options'] ?? {}) as IssueTokenOptions & { keyPem?: string };
        const { keyPem, ...rest } = opts;
        const token = emu.issueToken((b['claims'] ?? {}) as Record<string, unknown>, {
          ...rest,
          ...(keyPem ? { key: keyPem } : {}),
        });
        return { status: 200, body: { token } };
      }
      case 'POST /__emulator/sign-in':
        if (typeof b['username'] !== 'string' || !Array.isArray(b['scopes']))
          throw new TypeError('sign-in needs { "username": string, "scopes": string[] }');
        try {
          return { status: 200, body: emu.signIn(b as unknown as SignInInput) };
        } catch (e) {
          if (e instanceof EntraProtocolError) return { status: e.status, body: e.body };
          throw e;
        }
      case 'POST /__emulator/revoke-refresh-tokens':
        if (typeof b['user'] !== 'string') throw new TypeError('revoke-refresh-tokens needs { "user": string }');
        return { status: 200, body: { revoked: emu.revokeRefreshTokens(b['user']) } };
      case 'POST /__emulator/rotate-keys':
        return { status: 200, body: { kid: await emu.rotateKeys() } };
      case 'POST /__emulator/faults': {
        const r = b['route'];
        const route_ =
          typeof r === 'object' && r !== null && typeof (r as { regex?: unknown }).regex === 'string'
            ? new RegExp((r as { regex: string }).regex)
            : typeof r === 'string' && r.startsWith('/')
              ? new RegExp(r)
              : (r as FaultSpec['route']);
        const handle = emu.injectFault({ ...(b as unknown as FaultSpec), route: route_ });
        return { status: 201, body: { id: handle.id } };
      }
      case 'DELETE /__emulator/faults':
        emu.clearFaults();
        return { status: 200, body: { cleared: true } };
      case 'GET /__emulator/requests':
        return { status: 200, body: { requests: emu.requests() } };
      case 'POST /__emulator/reset':
        emu.reset();
        return { status: 200, body: { reset: true } };
      case 'POST /__emulator/clock': {
        if (typeof b['advanceSeconds'] === 'number') emu.clock.advance(b['advanceSeconds']);
        if (typeof b['set'] === 'number') emu.clock.set(b['set']);
        if (b['reset'] === true) emu.clock.reset();
        return { status: 200, body: { now: emu.clock.now(), offsetSeconds: emu.clock.offsetSeconds } };
      }
      case 'GET /__emulator/clock':
        return { status: 200, body: { now: emu.clock.now(), offsetSeconds: emu.clock.offsetSeconds } };
      case 'GET /__emulator/directory':
        return {
          status: 200,
          body: {
            tenants: emu.directory.tenants.map((t) => ({
              name: t.name,
              id: t.id,
              domain: t.domain,
              users: t.users.map((u) => ({ name: u.name, oid: u.oid, upn: u.upn })),
            })),
            apps: emu.directory.apps.map((a) => ({
              name: a.name,
              clientId: a.clientId,
              identifiers: a.identifiers,
              publicClient: a.publicClient,
            })),
          },
        };
      default:
        return { status: 404, body: { error: 'not_found', error_description: `no control route ${route}` } };
    }
  };
}
