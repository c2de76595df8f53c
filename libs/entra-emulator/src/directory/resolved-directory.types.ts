import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import type { AccessTokenOptionalClaim } from './directory.types.js';

/**
 * A certificate registered on an app registration for client assertions.
 *
 * @example
 * ```ts
 * const cert = emu.directory.app('my-api')?.certificates[0];
 * console.log(cert?.thumbprintSha1Hex);
 * ```
 */
export interface RegisteredCertificate {
  /** PEM of the certificate. */
  readonly certificatePem: string;
  /** base64url(SHA-1(DER)): the `x5t` header msal sends with an RS256 assertion. */
  readonly x5t: string;
  /** base64url(SHA-256(DER)): the `x5t#S256` header msal sends with a PS256 assertion. */
  readonly x5tS256: string;
  /** Hex SHA-1 thumbprint (msal `clientCertificate.thumbprint`). */
  readonly thumbprintSha1Hex: string;
  /** Hex SHA-256 thumbprint (msal `clientCertificate.thumbprintSha256`). */
  readonly thumbprintSha256Hex: string;
  /** The certificate's public key. */
  readonly publicKey: KeyObject;
}

/**
 * An app registration after validation.
 *
 * @example
 * ```ts
 * const api = emu.directory.app('my-api');
 * console.log(api?.clientId, api?.identifiers);
 * ```
 */
export interface ResolvedApp {
  readonly name: string;
  readonly clientId: string;
  readonly displayName: string;
  /** App ID URIs, the first being `appIdUri`. */
  readonly identifiers: readonly string[];
  readonly publicClient: boolean;
  readonly secrets: readonly { readonly value: string; readonly expiresAt?: number }[];
  /** Certificates; `emu.createClientCertificate` adds to this list. */
  readonly certificates: RegisteredCertificate[];
  readonly scopes: readonly string[];
  readonly appRoles: readonly {
    readonly value: string;
    readonly id: string;
    readonly allowedMemberTypes: readonly string[];
  }[];
  readonly accessTokenAcceptedVersion: 1 | 2;
  /** Granted application permissions by resource client id. */
  readonly appPermissions: ReadonlyMap<string, readonly string[]>;
  /** Consented delegated scopes by resource client id. */
  readonly delegatedPermissions: ReadonlyMap<string, readonly string[]>;
  readonly consentGranted: boolean;
  readonly redirectUris: readonly string[];
  /** Optional claims of the app's access tokens. */
  readonly accessTokenOptionalClaims: ReadonlySet<AccessTokenOptionalClaim>;
}

/**
 * A user after validation.
 *
 * @example
 * ```ts
 * const alice = emu.directory.tenant('contoso')?.users.find((u) => u.name === 'alice');
 * ```
 */
export interface ResolvedUser {
  readonly name: string;
  readonly oid: string;
  readonly upn: string;
  readonly displayName: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly password?: string;
  readonly tenantId: string;
  /** App roles by resource client id. */
  readonly appRoles: ReadonlyMap<string, readonly string[]>;
  readonly wids: readonly string[];
}

/**
 * A Conditional Access policy after validation (users as oids, resources as client ids).
 *
 * @example
 * ```ts
 * const policies = emu.directory.tenant('contoso')?.policies;
 * ```
 */
export interface ResolvedPolicy {
  readonly id: string;
  readonly users?: ReadonlySet<string>;
  readonly resources?: ReadonlySet<string>;
  readonly scopes?: ReadonlySet<string>;
  readonly grant: 'mfa' | 'block';
}

/**
 * A tenant after validation.
 *
 * @example
 * ```ts
 * const tid = emu.directory.tenant('contoso')?.id;
 * ```
 */
export interface ResolvedTenant {
  readonly name: string;
  readonly id: string;
  readonly domain: string;
  readonly users: readonly ResolvedUser[];
  readonly policies: readonly ResolvedPolicy[];
  readonly kind: 'entra' | 'ciam' | 'b2c';
  /** B2C user flows, as configured (matched case-insensitively). */
  readonly userFlows: readonly string[];
  readonly policyClaim: 'tfp' | 'acr';
}

/**
 * Builds the registered-certificate record of a PEM certificate.
 * @internal
 */
export function registerCertificate(certificatePem: string): RegisteredCertificate {
  const x509 = new X509Certificate(certificatePem);
  const sha1 = createHash('sha1').update(x509.raw).digest();
  const s256 = createHash('sha256').update(x509.raw).digest();
  return {
    certificatePem: x509.toString(),
    x5t: sha1.toString('base64url'),
    x5tS256: s256.toString('base64url'),
    thumbprintSha1Hex: sha1.toString('hex').toUpperCase(),
    thumbprintSha256Hex: s256.toString('hex').toUpperCase(),
    publicKey: x509.publicKey,
  };
}
