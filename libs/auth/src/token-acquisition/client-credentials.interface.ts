/**
 * A certificate credential: the private key and the certificate, both PEM. msal-node signs the
 * client assertion with PS256 and sends the certificate's SHA-256 thumbprint (`x5t#S256`).
 *
 * @example
 * ```ts
 * AuthModule.forRoot({
 *   ...options,
 *   clientCertificate: {
 *     privateKeyPem: readFileSync('/secrets/api.key', 'utf8'),
 *     certificatePem: readFileSync('/secrets/api.crt', 'utf8'),
 *     sendX5c: true, // subject name + issuer authentication
 *   },
 * });
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 */
export interface ClientCertificateCredential {
  /** PKCS#8 or PKCS#1 private key, PEM. */
  readonly privateKeyPem: string;
  /** The certificate (leaf first, optionally followed by its chain), PEM. */
  readonly certificatePem: string;
  /** Send the certificate chain in the assertion's `x5c` header (subject name + issuer auth). Default `false`. */
  readonly sendX5c?: boolean;
}

/**
 * Loads a certificate credential, e.g. from a file or Key Vault. Called once, then again after
 * the identity provider rejects the certificate (expired, revoked, rotated), so a rotated
 * certificate is picked up without a restart.
 *
 * @example
 * ```ts
 * const clientCertificate: ClientCertificateLoader = async () => ({
 *   privateKeyPem: await readFile('/secrets/api.key', 'utf8'),
 *   certificatePem: await readFile('/secrets/api.crt', 'utf8'),
 * });
 * ```
 */
export type ClientCertificateLoader = () => ClientCertificateCredential | Promise<ClientCertificateCredential>;

/**
 * Returns a signed client assertion (a JWT) for the token request, e.g. a federated credential
 * obtained from a managed identity. Called on every identity-provider request (never on a cache
 * hit); cache the assertion yourself if producing it is expensive.
 *
 * @example
 * ```ts
 * const clientAssertion: ClientAssertionCallback = async ({ clientId, tokenEndpoint }) =>
 *   federatedTokenProvider.get(clientId, tokenEndpoint);
 * ```
 * @see https://learn.microsoft.com/entra/workload-id/workload-identity-federation
 */
export type ClientAssertionCallback = (context: {
  readonly clientId: string;
  readonly tokenEndpoint?: string;
}) => string | Promise<string>;
