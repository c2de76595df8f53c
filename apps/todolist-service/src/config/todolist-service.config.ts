import { type AuthModuleOptions, loadAzureAdOptions } from 'nest-identity-web';

/** Everything todolist-service reads from its environment. */
export interface TodoListServiceConfig {
  /** The `AzureAd` section: this API's own app registration. */
  readonly azureAd: AuthModuleOptions;
  /** SQLite data file (`TodoList__DatabasePath`), or `:memory:`. */
  readonly databasePath: string;
}

/** Default data file, relative to the working directory (git-ignored). */
export const DEFAULT_DATABASE_PATH = './data/todolist.sqlite';

/**
 * Reads the configuration the way Microsoft.Identity.Web apps do, from `Section__Key` variables:
 * `AzureAd__Instance`, `AzureAd__TenantId`, `AzureAd__ClientId`, `TodoList__DatabasePath`.
 */
export function loadTodoListServiceConfig(env: NodeJS.ProcessEnv = process.env): TodoListServiceConfig {
  return {
    azureAd: loadAzureAdOptions(env),
    databasePath: env.TodoList__DatabasePath || DEFAULT_DATABASE_PATH,
  };
}
