import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';

/**
 * What the guard records about the caller of the current request.
 * @internal
 */
export interface AuthRequestContext {
  readonly principal: AuthPrincipal;
  /** The validated incoming access token, kept for on-behalf-of. Never logged or exposed. */
  readonly assertion: string;
  /**
   * base64url(SHA-256(assertion)) when the validator already computed it (its cache key), so the
   * token is hashed once per request; computed on first use otherwise.
   */
  readonly assertionHash?: string;
}

/**
 * Holds the caller of the current request in AsyncLocalStorage, so services need neither the
 * request object nor REQUEST-scoped providers.
 *
 * The store is a mutable holder entered once per request (`enterWith` from the guard, which runs
 * inside the request's async context), so everything the handler awaits sees the caller.
 * @internal
 */
export class RequestContextStore {
  private static readonly storage = new AsyncLocalStorage<{ current?: AuthRequestContext }>();

  /**
   * Enters an empty holder for the current request. Call it synchronously (before any `await`) at
   * the start of the request's guard: a store entered after an `await` stays inside the guard's own
   * async continuation and never reaches the route handler, while a holder entered synchronously
   * is inherited by everything the framework runs afterwards, so a later {@link set} is visible.
   * A no-op when the module's middleware already opened a holder ({@link enter}); it covers
   * guards that run without it (e.g. RPC).
   */
  static begin(): void {
    if (!RequestContextStore.storage.getStore()) RequestContextStore.storage.enterWith({});
  }

  /** Records the caller for the rest of the current async context. */
  static set(context: AuthRequestContext): void {
    const holder = RequestContextStore.storage.getStore();
    if (holder) holder.current = context;
    else RequestContextStore.storage.enterWith({ current: context });
  }

  /** The caller of the current request, if a guard authenticated one. */
  static get(): AuthRequestContext | undefined {
    return RequestContextStore.storage.getStore()?.current;
  }

  /**
   * Opens an empty per-request holder and runs `fn` (the rest of the request) inside it. The
   * module's middleware calls this first thing, so the guard's later {@link set} is seen by the
   * handler: `enterWith` from inside an async guard would not reach the handler's continuation.
   */
  static enter<T>(fn: () => T): T {
    return RequestContextStore.storage.run({}, fn);
  }

  /** Runs `fn` with `context` as the caller (for background jobs, tests and RPC handlers). */
  static run<T>(context: AuthRequestContext, fn: () => T): T {
    return RequestContextStore.storage.run({ current: context }, fn);
  }
}
