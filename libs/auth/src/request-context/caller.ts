import { hash } from 'node:crypto';
import type { AuthPrincipal } from '../principal/auth-principal.interface.js';
import { type AuthRequestContext, RequestContextStore } from './request-context.js';

/**
 * The user a token is acquired for: the incoming token (assertion), its hash (the cache partition)
 * and, when known, its validated principal.
 * @internal
 */
export interface TokenCaller {
  /** The incoming access token to exchange. Never logged or exposed. */
  readonly assertion: string;
  /** base64url(SHA-256(assertion)). */
  readonly assertionHash: string;
  /** The validated principal; `undefined` when only an assertion was given. */
  readonly principal: AuthPrincipal | undefined;
}

/** The caller given explicitly, outside a guarded request. @internal */
export interface ExplicitCaller {
  readonly assertion?: string;
  readonly user?: AuthPrincipal;
}

/** Either the caller, or why there is none (the caller turns it into its own coded error). @internal */
export type CallerLookup =
  | { readonly caller: TokenCaller; readonly problem?: undefined }
  | { readonly caller?: undefined; readonly problem: string };

/** Hashes computed here for contexts recorded without one (e.g. `RequestContextStore.run`). */
const computed = new WeakMap<AuthRequestContext, string>();

/**
 * base64url(SHA-256(assertion)): the partition key msal and MSAL.NET use for on-behalf-of, and the
 * key of the validated-token cache, so one hash serves both.
 * @internal
 */
export function hashAssertion(assertion: string): string {
  return hash('sha256', assertion, 'base64url');
}

/**
 * Finds the caller: the explicit assertion when given, else the caller the guard recorded for the
 * current request.
 * @internal
 */
export function findCaller(explicit: ExplicitCaller): CallerLookup {
  if (explicit.assertion !== undefined) {
    if (typeof explicit.assertion !== 'string' || !explicit.assertion)
      return { problem: 'options.assertion is empty.' };
    return {
      caller: {
        assertion: explicit.assertion,
        assertionHash: hashAssertion(explicit.assertion),
        principal: explicit.user,
      },
    };
  }
  if (explicit.user !== undefined) return { problem: 'options.user was given without options.assertion.' };
  const context = RequestContextStore.get();
  if (!context) return { problem: 'There is no authenticated caller in the current request context.' };
  return { caller: { assertion: context.assertion, assertionHash: hashOf(context), principal: context.principal } };
}

/** One SHA-256 per request, not per call: a handler often asks for several tokens. */
function hashOf(context: AuthRequestContext): string {
  if (context.assertionHash !== undefined) return context.assertionHash;
  let h = computed.get(context);
  if (h === undefined) {
    h = hashAssertion(context.assertion);
    computed.set(context, h);
  }
  return h;
}
