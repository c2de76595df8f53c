import { DEFAULT_IDS, type EntraEmulator } from '@nest-identity-web/entra-emulator';

/**
 * A correctly signed token for my-api that carries the scope `User.Read` instead of
 * `access_as_user`, minted by the emulator: what a client that asked for the wrong scope would send.
 * my-api must answer 403 `insufficient_scope` (the token is valid, the permission is missing).
 */
export function wrongScopeToken(emu: EntraEmulator): string {
  const ids = DEFAULT_IDS;
  return emu.issueToken({
    aud: ids.apps.myApi.clientId,
    azp: ids.apps.demoClient.clientId,
    scp: 'User.Read',
    oid: ids.users.bob.oid,
    sub: ids.users.bob.oid,
    preferred_username: ids.users.bob.upn,
  });
}
