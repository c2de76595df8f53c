/**
 * Where configuration values come from: `process.env`, a plain record, or anything with
 * `get(key)` such as `@nestjs/config`'s `ConfigService`.
 * @internal
 */
export type ConfigurationSource = Readonly<Record<string, unknown>> | { get(key: string): unknown };

/** Reads one configuration key; `undefined` when it is unset or empty. @internal */
export type ConfigurationReader = (key: string) => unknown;

/**
 * The one reader of .NET-style configuration keys, for `loadAzureAdOptions` and for the
 * `{ configKey }` form of the authorization decorators. `Section__Key` (environment variables)
 * and `Section:Key` (`appsettings.json`, `ConfigService`) name the same setting, as in
 * Microsoft.Extensions.Configuration: the key is looked up as written, then in the other form.
 * An empty string or `null` counts as unset, so the other form still gets its turn.
 *
 * @example
 * ```ts
 * const read = configurationReader(process.env);
 * read('AzureAd:ClientId'); // process.env.AzureAd__ClientId when AzureAd:ClientId is unset
 * ```
 * @internal
 */
export function configurationReader(source: ConfigurationSource | undefined = process.env): ConfigurationReader {
  const lookup =
    typeof source.get === 'function'
      ? (key: string): unknown => (source as { get(key: string): unknown }).get(key)
      : (key: string): unknown => (source as Readonly<Record<string, unknown>>)[key];
  return (key) => {
    for (const name of configurationKeyForms(key)) {
      const value = lookup(name);
      if (value !== undefined && value !== null && value !== '') return value;
    }
    return undefined;
  };
}

/** The key as written, then its other form (`:` ↔ `__`), when it has one. @internal */
export function configurationKeyForms(key: string): readonly string[] {
  const other = key.includes(':') ? key.replaceAll(':', '__') : key.replaceAll('__', ':');
  return other === key ? [key] : [key, other];
}
