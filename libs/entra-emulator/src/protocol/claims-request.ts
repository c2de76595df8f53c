import type { JsonObject } from '../crypto/jwt.js';
import { Errors } from './errors.js';

/** Parsed `claims` request parameter. @internal */
export interface ClaimsRequest {
  readonly xmsCc: boolean;
  readonly mfa: boolean;
  readonly acrs: string[];
}

/** Parses the `claims` request parameter (client capabilities and step-up requests). @internal */
export function parseClaims(raw: string | undefined): ClaimsRequest {
  if (raw === undefined || raw === '') return { xmsCc: false, mfa: false, acrs: [] };
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw Errors.malformedRequest("the 'claims' parameter is not valid JSON.");
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw Errors.malformedRequest("the 'claims' parameter must be a JSON object.");
  const at = (v as JsonObject)['access_token'];
  if (typeof at !== 'object' || at === null || Array.isArray(at)) return { xmsCc: false, mfa: false, acrs: [] };
  const members = at as JsonObject;
  const cc = members['xms_cc'];
  const ccValues = typeof cc === 'object' && cc !== null ? (cc as JsonObject)['values'] : undefined;
  const xmsCc = Array.isArray(ccValues) && ccValues.some((x) => typeof x === 'string' && x.toLowerCase() === 'cp1');
  const acrsReq = members['acrs'];
  const acrs: string[] = [];
  if (typeof acrsReq === 'object' && acrsReq !== null) {
    const a = acrsReq as JsonObject;
    if (typeof a['value'] === 'string') acrs.push(a['value']);
    if (Array.isArray(a['values'])) for (const x of a['values']) if (typeof x === 'string') acrs.push(x);
  }
  // Any access_token claim other than client capabilities is a step-up request (capolids, acrs, amr...).
  const mfa = Object.keys(members).some((k) => k !== 'xms_cc');
  return { xmsCc, mfa, acrs };
}
