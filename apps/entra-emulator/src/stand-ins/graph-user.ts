/** The subset of a Microsoft Graph `user` resource the stand-in returns for `GET /v1.0/me`. */
export interface GraphUser {
  readonly '@odata.context': string;
  readonly id: string;
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly surname: string | null;
  readonly userPrincipalName: string | null;
  readonly mail: string | null;
  readonly businessPhones: readonly string[];
  readonly jobTitle: string | null;
  readonly mobilePhone: string | null;
  readonly officeLocation: string | null;
  readonly preferredLanguage: string | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

/**
 * Builds the answer of Graph's `GET /v1.0/me` from the claims of a validated delegated token, as
 * Graph does from the directory: `id` is the user's object ID, `userPrincipalName` the UPN.
 *
 * @see https://learn.microsoft.com/graph/api/user-get
 */
export function graphUserFromClaims(claims: Readonly<Record<string, unknown>>): GraphUser {
  const upn = str(claims.upn) ?? str(claims.unique_name) ?? str(claims.preferred_username);
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
    id: str(claims.oid) ?? '',
    displayName: str(claims.name),
    givenName: str(claims.given_name),
    surname: str(claims.family_name),
    userPrincipalName: upn,
    mail: upn,
    businessPhones: [],
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
  };
}
