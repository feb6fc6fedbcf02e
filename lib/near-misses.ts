/**
 * The wrong shapes of a secret or an identifier that a broken comparison lets through: a prefix or
 * `startsWith` check (empty, truncated), a check of only part of the value (one character changed at
 * either end), a case-insensitive check, a `includes`/suffix-tolerant check (padded). Specs send every
 * shape wherever a value must match in full (anti-CSRF token, OAuth state, RFC 9207 iss), so they catch
 * the class of comparison bug, not one mechanism.
 */

function swapCase(value: string): string {
  return [...value].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

/** Another character of the same alphabet, so only the value is wrong, never its syntax. */
function otherCharacter(c: string): string {
  return c === 'A' ? 'B' : 'A';
}

/**
 * Named near misses of `value`. Shapes that happen to equal `value` (a one-character value's prefix, a
 * value with no letters swapped by case) are left out: they are not wrong.
 */
export function nearMisses(value: string): Record<string, string> {
  const shapes: Record<string, string> = {
    empty: '',
    'first character only': value.slice(0, 1),
    'first half': value.slice(0, Math.floor(value.length / 2)),
    'all but the last character': value.slice(0, -1),
    'first character changed': otherCharacter(value.charAt(0)) + value.slice(1),
    'last character changed': value.slice(0, -1) + otherCharacter(value.charAt(value.length - 1)),
    'case changed': swapCase(value),
    'padded with one character': `${value}A`,
  };
  return Object.fromEntries(Object.entries(shapes).filter(([, shape]) => shape !== value));
}
