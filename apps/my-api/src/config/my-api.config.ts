import { type AuthModuleOptions, loadAzureAdOptions } from 'nest-identity-web';

/** A downstream web API my-api calls: where it is and which scopes a token for it needs. */
export interface DownstreamApiConfig {
  /** Base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** Scopes to request; for an app token, the single `<resource>/.default` scope. */
  readonly scopes: readonly string[];
}

/** Everything my-api reads from its environment. */
export interface MyApiConfig {
  /** The `AzureAd` section: my-api's own app registration, including its client credential. */
  readonly azureAd: AuthModuleOptions;
  /** The downstream APIs (`DownstreamApis__<Name>__BaseUrl`, `DownstreamApis__<Name>__Scopes`). */
  readonly downstreamApis: {
    /**
     * todolist-service: `scopes` for calls on behalf of the user, `appScope` (`<App ID URI>/.default`)
     * for calls as the application (client credentials).
     */
    readonly todoList: DownstreamApiConfig & { readonly appScope: string };
    /** Microsoft Graph. */
    readonly graph: DownstreamApiConfig;
    /** Azure Resource Manager. */
    readonly arm: DownstreamApiConfig;
  };
}

/** Defaults: the real Microsoft Graph and Azure Resource Manager, and the sample's todolist-service. */
export const DEFAULT_DOWNSTREAM_APIS = {
  todoList: {
    baseUrl: 'http://127.0.0.1:5001',
    scopes: ['api://todolist-service/access_as_user'],
    appScope: 'api://todolist-service/.default',
  },
  graph: { baseUrl: 'https://graph.microsoft.com/v1.0', scopes: ['https://graph.microsoft.com/.default'] },
  // ARM's resource ID ends in a slash, so its scope has two: what Azure CLI and the SDKs request.
  arm: { baseUrl: 'https://management.azure.com', scopes: ['https://management.azure.com//user_impersonation'] },
} as const satisfies MyApiConfig['downstreamApis'];

const splitScopes = (value: string | undefined): string[] | undefined =>
  value
    ?.split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** `api://x/access_as_user` → `api://x`; undefined for a scope without a resource. */
function resourceOf(scope: string): string | undefined {
  const slash = scope.lastIndexOf('/');
  return slash > 0 && scope.includes('://') ? scope.slice(0, slash) : undefined;
}

function downstream(
  env: NodeJS.ProcessEnv,
  name: string,
  defaults: { readonly baseUrl: string; readonly scopes: readonly string[] },
): DownstreamApiConfig {
  const variable = `DownstreamApis__${name}__BaseUrl`;
  const baseUrl = env[variable] || defaults.baseUrl;
  let parsed: URL | undefined;
  try {
    parsed = new URL(baseUrl);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.search || parsed.hash) {
    throw new Error(
      `${variable} must be an absolute http(s) URL without query or fragment, e.g. ${defaults.baseUrl} (got '${baseUrl}').`,
    );
  }
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    scopes: splitScopes(env[`DownstreamApis__${name}__Scopes`]) ?? defaults.scopes,
  };
}

/**
 * Reads the configuration the way Microsoft.Identity.Web apps do, from `Section__Key` variables:
 * `AzureAd__Instance`, `AzureAd__TenantId`, `AzureAd__ClientId`, `AzureAd__ClientSecret`, and for each
 * downstream API `DownstreamApis__<TodoList|Graph|Arm>__BaseUrl` and `__Scopes` (space- or
 * comma-separated), and `DownstreamApis__TodoList__AppScope` (default: `<App ID URI>/.default`).
 * Pointing the sample at real Entra ID, Graph and ARM is a matter of these variables only.
 *
 * @throws Error naming the variable when a base URL is not an absolute http(s) URL (the app does not start).
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule.forRoot(loadMyApiConfig()));
 * ```
 */
export function loadMyApiConfig(env: NodeJS.ProcessEnv = process.env): MyApiConfig {
  const todoList = downstream(env, 'TodoList', DEFAULT_DOWNSTREAM_APIS.todoList);
  // The app scope is the `.default` scope of the same App ID URI unless configured otherwise.
  const appScope =
    env.DownstreamApis__TodoList__AppScope ||
    `${resourceOf(todoList.scopes[0] ?? '') ?? 'api://todolist-service'}/.default`;
  return {
    azureAd: loadAzureAdOptions(env),
    downstreamApis: {
      todoList: { ...todoList, appScope },
      graph: downstream(env, 'Graph', DEFAULT_DOWNSTREAM_APIS.graph),
      arm: downstream(env, 'Arm', DEFAULT_DOWNSTREAM_APIS.arm),
    },
  };
}
