import { type INestApplicationContext, Logger, type Type } from '@nestjs/common';
import { GUARDS_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { APP_GUARD, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { AuthGuard } from '../authorization/auth.guard.js';
import { RequirementResolver, type ResolvedRequirements } from '../authorization/requirement-resolver.js';
import type { AzureAdSettingsSource } from '../azure-ad-options.loader.js';
import { configurationReader } from '../configuration-key.util.js';
import { authSettingsOf } from './entra-oauth2-scheme.js';

/** One route handler of the app and what the guard asks of its callers. @internal */
export interface RouteRequirements {
  readonly controller: Type;
  /** The handler method (the function swagger reads its metadata from). */
  readonly handler: (...args: never[]) => unknown;
  readonly requirements: ResolvedRequirements;
  /** `AuthGuard` (or a subclass) runs for this route: on the method, the controller or globally. */
  readonly guarded: boolean;
}

/** How {@link collectRouteRequirements} decides which routes `AuthGuard` protects. @internal */
export interface RouteScanOptions {
  /** Where configuration-key requirements are read when the app has no `AuthModule`. */
  readonly configuration?: AzureAdSettingsSource;
  /** Treat every route as guarded (a global guard registered some other way). */
  readonly globalGuard?: boolean;
}

const isAuthGuard = (guard: unknown): boolean =>
  guard instanceof AuthGuard ||
  (typeof guard === 'function' && guard.prototype instanceof AuthGuard) ||
  guard === AuthGuard;

/** An `APP_GUARD` provider whose guard is `AuthGuard` or a subclass of it. */
function hasGlobalAuthGuard(modules: ModulesContainer): boolean {
  for (const module of modules.values()) {
    for (const [token, wrapper] of module.providers) {
      if (typeof token !== 'string' || !token.startsWith(APP_GUARD)) continue;
      if (isAuthGuard(wrapper.instance) || isAuthGuard(wrapper.metatype)) return true;
    }
  }
  return false;
}

/**
 * Every route handler of `app` with its requirements, resolved by the guard's own resolver (method
 * over class, configuration keys read from the `AuthModule`'s `configuration`, as at run time).
 * @internal
 */
export function collectRouteRequirements(
  app: INestApplicationContext,
  options: RouteScanOptions = {},
): RouteRequirements[] {
  const modules = app.get(ModulesContainer);
  const settings = authSettingsOf(app);
  const read = settings?.validation.configuration ?? configurationReader(options.configuration ?? process.env);
  const resolver = new RequirementResolver(new Reflector(), read, new Logger('OpenAPI'));
  const globalGuard = options.globalGuard === true || hasGlobalAuthGuard(modules);
  const scanner = new MetadataScanner();
  const routes: RouteRequirements[] = [];
  const seen = new Set<Type>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller || seen.has(controller)) continue;
      seen.add(controller);
      const prototype = controller.prototype as Record<string, unknown>;
      const classGuards = (Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[] | undefined) ?? [];
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const fn = handler as (...args: never[]) => unknown;
        const methodGuards = (Reflect.getMetadata(GUARDS_METADATA, fn) as unknown[] | undefined) ?? [];
        routes.push({
          controller,
          handler: fn,
          requirements: resolver.requirementsFor({ getHandler: () => fn, getClass: () => controller }),
          guarded: globalGuard || [...classGuards, ...methodGuards].some(isAuthGuard),
        });
      }
    }
  }
  return routes;
}
