import type { ModulesContainer } from '@nestjs/core';
import { DEFAULT_AUTH_SCHEME } from './auth.constants.js';
import { NORMALIZED_AUTH_OPTIONS } from './auth.internal-constants.js';
import type { NormalizedAuthOptions } from './auth-options.normalize.js';
import { AUTH_SCHEMES_KEY } from './authorization/authorization-metadata.constants.js';
import { AuthErrorCode } from './errors/auth-error-codes.js';
import { AuthConfigurationError } from './errors/auth.error.js';

/**
 * Bootstrap check of the application's schemes, run once by the default `AuthModule`: no named
 * scheme is registered twice (`NIW1020`), and every `@AuthScheme(...)` on a controller, a resolver
 * or another provider (class or method) names a registered scheme (`NIW1021`).
 * @throws AuthConfigurationError NIW1020, NIW1021
 * @internal
 */
export function checkAuthSchemes(modules: ModulesContainer): void {
  const registered = new Map<string, number>();
  const referenced = new Map<string, string>();
  for (const module of modules.values()) {
    const settings = module.providers.get(NORMALIZED_AUTH_OPTIONS)?.instance as NormalizedAuthOptions | undefined;
    if (settings?.scheme) registered.set(settings.scheme, (registered.get(settings.scheme) ?? 0) + 1);
    for (const wrapper of [...module.controllers.values(), ...module.providers.values()]) {
      const type: unknown = wrapper.metatype;
      if (typeof type === 'function' && !wrapper.inject) collectSchemes(type as new () => unknown, referenced);
    }
  }
  for (const [name, count] of registered) {
    if (count > 1 && name !== DEFAULT_AUTH_SCHEME) {
      throw AuthConfigurationError.create(
        AuthErrorCode.DuplicateAuthScheme,
        `The scheme '${name}' is registered ${count} times.`,
        [
          'Give each AuthModule.forRoot({ scheme }) registration its own name.',
          'Register a scheme once, with isGlobal: true, and import the module where it is needed.',
        ],
      );
    }
  }
  for (const [name, where] of referenced) {
    if (!registered.has(name)) {
      throw AuthConfigurationError.create(
        AuthErrorCode.UnknownAuthScheme,
        `@AuthScheme on ${where} names the scheme '${name}', which no AuthModule registers (registered: ${[...registered.keys()].join(', ') || 'none'}).`,
        [`Register it: AuthModule.forRoot({ scheme: '${name}', ... }).`, 'Or fix the name in @AuthScheme(...).'],
      );
    }
  }
}

/** The scheme names of `@AuthScheme` on a class and on its own methods. */
function collectSchemes(type: abstract new (...args: never[]) => unknown, into: Map<string, string>): void {
  const add = (target: object, where: string) => {
    const names = Reflect.getMetadata(AUTH_SCHEMES_KEY, target) as readonly string[] | undefined;
    for (const name of names ?? []) if (!into.has(name)) into.set(name, where);
  };
  add(type, type.name);
  const proto = type.prototype as Record<string, unknown> | undefined;
  if (!proto) return;
  for (const key of Object.getOwnPropertyNames(proto)) {
    if (key === 'constructor') continue;
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (typeof descriptor?.value === 'function') add(descriptor.value as object, `${type.name}.${key}`);
  }
}
