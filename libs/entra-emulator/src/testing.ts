import { EmulatorConfigurationError } from './directory/directory.js';
import type { EntraEmulator } from './emulator.js';
import type { EntraEmulatorOptions } from './emulator.types.js';
import { startEntraEmulator } from './start-emulator.js';

/**
 * Options of {@link startTestAuthority}: the emulator's options plus which registration plays the
 * API under test.
 *
 * @example
 * ```ts
 * const authority = await startTestAuthority({ app: 'todolist-service', tenant: 'contoso' });
 * ```
 */
export interface TestAuthorityOptions extends EntraEmulatorOptions {
  /** The app registration of the API under test (name, client id or App ID URI). Default `my-api`, else the first app with a secret. */
  readonly app?: string;
  /** Tenant (name, id or domain) the API lives in. Default: the first tenant. */
  readonly tenant?: string;
  /** Settings section name, as given to `loadAzureAdOptions(source, section)`. Default `AzureAd`. */
  readonly section?: string;
}

/**
 * Options of {@link TestAuthority.userToken}.
 *
 * @example
 * ```ts
 * authority.userToken({ user: 'bob', scopes: ['api://my-api/access_as_user'] });
 * ```
 */
export interface UserTokenOptions {
  /** The user (name such as `alice`, or UPN). Default: the first user of the tenant. */
  readonly user?: string;
  /** Scopes to ask for. Default: the API's first exposed scope (`api://my-api/access_as_user`). */
  readonly scopes?: readonly string[];
}

/**
 * A running emulator with the settings an API under test needs: what {@link startTestAuthority}
 * returns.
 *
 * @example
 * ```ts
 * const authority = await startTestAuthority();
 * const options = loadAzureAdOptions(authority.settings); // from 'nest-identity-web'
 * const token = authority.userToken();
 * await authority.stop();
 * ```
 */
export interface TestAuthority {
  /** The emulator itself, for everything else (`issueToken`, `injectFault`, `clock`, `requests`...). */
  readonly emulator: EntraEmulator;
  /**
   * Microsoft.Identity.Web-style settings of the API under test: `<Section>__Instance`, `__TenantId`,
   * `__ClientId`, `__ClientSecret` (when the app has one) and `__TrustedCaPath` (the emulator's CA
   * file). Pass them to `loadAzureAdOptions`, or copy them into `process.env` before your app module
   * is created.
   */
  readonly settings: Readonly<Record<string, string>>;
  /** The emulator's CA certificate file (PEM): trust it with `AzureAd__TrustedCaPath` or `NODE_EXTRA_CA_CERTS` (for a child process). */
  readonly caPath: string;
  /** The API's client id. */
  readonly clientId: string;
  /** The tenant id. */
  readonly tenantId: string;
  /** Signs a user in (no HTTP, the emulator's real rules: consent, MFA and Conditional Access policies) and returns the access token. */
  userToken(options?: UserTokenOptions): string;
  /** Stops the emulator. */
  stop(): Promise<void>;
}

/**
 * Starts the emulator on a free loopback port and returns the settings of the API under test, so a
 * user's e2e test needs no configuration of its own. The emulator never imports the library: the
 * settings are plain strings that `loadAzureAdOptions` from `nest-identity-web` reads.
 *
 * @example
 * ```ts
 * import { startTestAuthority } from '@nest-identity-web/entra-emulator/testing';
 *
 * const authority = await startTestAuthority();
 * Object.assign(process.env, authority.settings);
 * const { AppModule } = await import('../src/app.module.js'); // loaded after the settings are in process.env
 * const app = (await Test.createTestingModule({ imports: [AppModule] }).compile()).createNestApplication();
 * await app.init();
 * await request(app.getHttpServer()).get('/me').auth(authority.userToken(), { type: 'bearer' }).expect(200);
 * await app.close();
 * await authority.stop();
 * ```
 * @throws EmulatorConfigurationError when the options are invalid or name an unknown app, tenant or user.
 */
export async function startTestAuthority(options: TestAuthorityOptions = {}): Promise<TestAuthority> {
  const { app: appRef, tenant: tenantRef, section = 'AzureAd', ...emulatorOptions } = options;
  const emulator = await startEntraEmulator(emulatorOptions);
  try {
    const directory = emulator.directory;
    const app = appRef
      ? directory.app(appRef)
      : (directory.app('my-api') ?? directory.apps.find((a) => !a.publicClient && a.secrets.length > 0));
    if (!app) throw new EmulatorConfigurationError(`EMU1030: no app '${appRef ?? 'my-api'}' in the directory.`);
    const tenant = tenantRef ? directory.tenant(tenantRef) : directory.defaultTenant;
    if (!tenant) throw new EmulatorConfigurationError(`EMU1031: no tenant '${tenantRef}' in the directory.`);
    const secret = app.secrets.find((s) => s.expiresAt === undefined || s.expiresAt * 1000 > Date.now())?.value;
    const settings: Record<string, string> = {
      [`${section}__Instance`]: emulator.instance,
      [`${section}__TenantId`]: tenant.id,
      [`${section}__ClientId`]: app.clientId,
      ...(secret ? { [`${section}__ClientSecret`]: secret } : {}),
      [`${section}__TrustedCaPath`]: emulator.caCertPath,
    };
    const defaultScopes = app.scopes.length
      ? [`${app.identifiers[0] ?? `api://${app.clientId}`}/${app.scopes[0]}`]
      : [];
    return {
      emulator,
      settings,
      caPath: emulator.caCertPath,
      clientId: app.clientId,
      tenantId: tenant.id,
      userToken({ user, scopes } = {}) {
        const ref = user?.toLowerCase();
        const found = ref
          ? tenant.users.find((u) => u.name.toLowerCase() === ref || u.upn.toLowerCase() === ref)
          : tenant.users[0];
        if (!found) throw new EmulatorConfigurationError(`EMU1032: no user '${user}' in tenant ${tenant.name}.`);
        return emulator.signIn({ username: found.upn, scopes: scopes ?? defaultScopes, tenant: tenant.id })
          .access_token;
      },
      stop: () => emulator.stop(),
    };
  } catch (e) {
    await emulator.stop();
    throw e;
  }
}
