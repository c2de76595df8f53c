/**
 * The one formatter of an actionable error message: the problem, then a "Potential solutions:"
 * list (one `- ` line per fix), as nestjs-cls and Microsoft.Identity.Web word them. No list when
 * there is no fix to offer.
 *
 * @example
 * ```ts
 * withSolutions('clientId is required.', ['Set AzureAd__ClientId.']);
 * // 'clientId is required.\nPotential solutions:\n- Set AzureAd__ClientId.'
 * ```
 * @internal
 */
export function withSolutions(problem: string, solutions: readonly string[]): string {
  return solutions.length ? `${problem}\nPotential solutions:\n${solutions.map((s) => `- ${s}`).join('\n')}` : problem;
}
