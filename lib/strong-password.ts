/**
 * Generated secrets and passwords that every gateway's password policy accepts (ContextForge's entropy and
 * sequence rules, n8n's class rules), so a run never depends on a fixed password.
 */
import { randomBytes } from 'node:crypto';

/**
 * A strong random string: 48 URL-safe characters, plus a fixed mixed-class prefix so password
 * policies ("3 of upper/lower/digit/special") and ContextForge's entropy check (from 1.0.7) accept it.
 */
export function strongSecret(): string {
  return `Cf9!${randomBytes(36).toString('base64url')}`;
}

/** True when three consecutive characters run up or down ("abc", "CBA", "123"): ContextForge's policy (1.0.7+) refuses them. */
export function hasSequentialRun(s: string): boolean {
  for (let i = 0; i + 2 < s.length; i++) {
    const [a, b, c] = [s[i], s[i + 1], s[i + 2]].map((ch) => (ch ?? '').toLowerCase());
    if (a === undefined || b === undefined || c === undefined) continue;
    const digits = /^\d{3}$/.test(a + b + c);
    const letters = /^[a-z]{3}$/.test(a + b + c);
    if (!digits && !letters) continue;
    const d1 = b.charCodeAt(0) - a.charCodeAt(0);
    const d2 = c.charCodeAt(0) - b.charCodeAt(0);
    if (d1 === d2 && Math.abs(d1) === 1) return true;
  }
  return false;
}

/** A password every release's policy accepts: strong, mixed classes, no sequential run, no user name in it. */
export function strongPassword(): string {
  for (;;) {
    const candidate = strongSecret();
    if (!hasSequentialRun(candidate) && !/alice|bob|admin/i.test(candidate)) return candidate;
  }
}
