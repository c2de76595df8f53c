import { type AuthModuleOptions, loadAzureAdOptions } from 'nest-identity-web';
import type {
  IdentityProviderCheckOptions,
  TokenAcquisitionCheckOptions,
  TokenCacheCheckOptions,
} from 'nest-identity-web/health';

/** Names under which my-api configures its downstream APIs (`DownstreamApis__<Name>__*`). */
export const DownstreamApiNames = {
  /** todolist-service: on behalf of the user, and as my-api for the admin route. */
  TodoList: 'TodoList',
  /** Microsoft Graph. */
  Graph: 'Graph',
  /** Azure Resource Manager. */
  Arm: 'Arm',
} as const;

/** Everything my-api reads from its environment. */
export interface MyApiConfig {
  /**
   * The `AzureAd` section (my-api's own app registration, including its client credential) and the
   * `DownstreamApis` section, which `DownstreamApi` calls by name.
   */
  readonly azureAd: AuthModuleOptions;
  /**
   * Options of the `/health` checks: `Health__IdentityProvider__MaxStaleSeconds`,
   * `Health__TokenCache__L2Outage` and `Health__TokenAcquisition__Outage` (`degraded` or `down`).
   */
  readonly health: {
    readonly identityProvider: IdentityProviderCheckOptions;
    readonly tokenCache: TokenCacheCheckOptions;
    readonly tokenAcquisition: TokenAcquisitionCheckOptions;
  };
  /**
   * The OpenAPI document and Swagger UI (`/docs`): `OpenApi__UiClientId`, the public client (SPA)
   * Swagger UI signs in as, and `AzureAd__AppIdUri`, the prefix of my-api's scopes (default
   * `api://<client id>`).
   */
  readonly openApi: { readonly uiClientId?: string; readonly appIdUri?: string };
}

/**
 * Defaults, as settings: the sample's todolist-service, the real Microsoft Graph and Azure Resource
 * Manager. Any `DownstreamApis__<Name>__<Key>` in the environment replaces the matching default.
 */
export const DEFAULT_DOWNSTREAM_API_SETTINGS: Readonly<Record<string, string>> = {
  DownstreamApis__TodoList__BaseUrl: 'http://127.0.0.1:5001',
  DownstreamApis__TodoList__Scopes: 'api://todolist-service/access_as_user',
  DownstreamApis__Graph__BaseUrl: 'https://graph.microsoft.com/v1.0',
  DownstreamApis__Graph__Scopes: 'https://graph.microsoft.com/.default',
  DownstreamApis__Arm__BaseUrl: 'https://management.azure.com',
  // ARM's resource ID ends in a slash, so its scope has two: what Azure CLI and the SDKs request.
  DownstreamApis__Arm__Scopes: 'https://management.azure.com//user_impersonation',
};

/**
 * Reads the configuration the way Microsoft.Identity.Web apps do, from `Section__Key` variables:
 * `AzureAd__Instance`, `AzureAd__TenantId`, `AzureAd__ClientId`, `AzureAd__ClientSecret`, and for each
 * downstream API `DownstreamApis__<TodoList|Graph|Arm>__BaseUrl` and `__Scopes` (space- or
 * comma-separated), `DownstreamApis__TodoList__AppScope` (default: `<App ID URI>/.default`) and the
 * other keys `DownstreamApi` understands (`TimeoutMs`, `ExtraHeaderParameters__<Header>`…).
 * Pointing the sample at real Entra ID, Graph and ARM is a matter of these variables only. Values
 * are validated when the app boots (a bad base URL stops it with NIW1012).
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule.forRoot(loadMyApiConfig()));
 * ```
 */
export function loadMyApiConfig(env: NodeJS.ProcessEnv = process.env): MyApiConfig {
  const settings: Record<string, string | undefined> = { ...DEFAULT_DOWNSTREAM_API_SETTINGS };
  // An empty variable means "not set", as everywhere else in the loader.
  for (const [key, value] of Object.entries(env)) if (value) settings[key] = value;
  const status = (v: string | undefined) => v as 'degraded' | 'down' | undefined;
  const maxStale = settings['Health__IdentityProvider__MaxStaleSeconds'];
  return {
    azureAd: loadAzureAdOptions(settings),
    health: {
      // Checked when the app starts (NIW1019 for a value that is not a number of seconds).
      identityProvider: maxStale === undefined ? {} : { maxStaleSeconds: Number(maxStale) },
      tokenCache: { l2Outage: status(settings['Health__TokenCache__L2Outage']) },
      tokenAcquisition: { outage: status(settings['Health__TokenAcquisition__Outage']) },
    },
    openApi: { uiClientId: settings['OpenApi__UiClientId'], appIdUri: settings['AzureAd__AppIdUri'] },
  };
}
