/**
 * The post-run redaction pass over a run's report folder: every artifact Playwright and our reporters
 * wrote (junit.xml, the HTML report and the data zip embedded in its index.html, html/data/*,
 * test-results/** error-context.md and traces, conformance.json/.md, logs/) is rewritten with secrets
 * hashed. It runs after the Playwright process has exited, so every reporter (the HTML one writes last)
 * has finished. Images and videos are left alone (no text to scan); Playwright's own trace-viewer app
 * under html/trace/ is static code and is not touched.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { hashSecret } from '../lib/secrets.js';
import { redactTraceText } from './redact-traces.js';

/** Set by cli/run-playwright.ts, which redacts after Playwright exits; the reporter's own pass is then skipped. */
export const REDACTED_BY_CLI_ENV = 'CONFORMANCE_REDACTED_BY_CLI';

/** Query, fragment and form parameters whose values are secrets (OAuth code and state, CSRF tokens, tokens). */
const SECRET_PARAMS = /([?&#;]|&amp;|\\u0026)(code|state|csrf_token|csrfToken|_csrf|csrf|access_token|id_token|refresh_token|token|session_state|code_verifier|client_secret)=([^&#"'\s<>\\]{6,})/g;
/**
 * Cookie and CSRF headers in text form ("cookie: a=b; c=d", call logs, error-context.md, JSON objects). A value
 * never starts with `{` or `[`, and is never a bare JSON literal (true, false, null, a number) ending its line or
 * followed by `,`: a JSON key of that name holding an object or a flag (evidence such as `"authorization": {…}` or
 * `"authorization": true`, whether a header was sent) is structure, not a header, and hashing it would leave the
 * JSON unreadable.
 */
const SECRET_HEADER_LINES =
  /\b(cookie|set-cookie|x-csrf-token|x-csrftoken|x-xsrf-token|authorization)(["']?\s*[:=]\s*["']?)(?!(?:true|false|null|-?\d+(?:\.\d+)?)\s*(?:,|$|[}\]]))([^\s"'\\{[][^\r\n"'\\]*)/gim;
/**
 * Hidden form fields and meta tags that carry anti-CSRF tokens, in HTML and in DOM snapshots, also where the
 * HTML sits JSON-escaped inside another string (a page's content as an action result in a trace:
 * `<meta name=\"csrf-token\" content=\"…\">`), so quotes may carry backslashes.
 */
const CSRF_MARKUP = /(\\*["']?(?:csrf[_-]?token|_csrf|csrfmiddlewaretoken|authenticity_token|xsrf[_-]?token)\\*["']?(?:\s*,\s*\\*["']?(?:value|content)\\*["']?\s*[:,]|\s+(?:value|content)=|\s*[:=])\s*\\*["'])([^"'\s\\]{6,})/gi;
/** A cookie as a JSON object: {"name":"…","value":"…","domain":…} (storage state, trace context options); headers are not cookies. */
const COOKIE_OBJECTS = /("name"\s*:\s*"[^"]{1,100}"\s*,\s*"value"\s*:\s*")([^"]{6,})("\s*,\s*"(?:domain|url|path)")/g;

function hashUnlessHashed(value: string): string {
  return value.startsWith('sha256:') ? value : hashSecret(value);
}

/** Hashes every cookie value in a Cookie/Set-Cookie header value, keeping names and attributes readable. */
function redactCookieList(value: string): string {
  return value.replace(/(^|;\s*|,\s*)([^=;,\s]+)=([^;,]*)/g, (m, sep: string, name: string, v: string) =>
    /^(path|domain|expires|max-age|samesite|secure|httponly|priority|partitioned)$/i.test(name) || v.length === 0 ? m : `${sep}${name}=${hashUnlessHashed(v)}`,
  );
}

/**
 * Step titles of typed text in traces and the HTML report: a locator's fill ("Fill \"…\""), and the keyboard's text
 * ("Insert \"…\"", "Type \"…\""), which lib/plain-controls.ts types into the reference's and the IdP's sign-in forms.
 * The value may be a password, so it is always hashed.
 */
const TYPED_TITLES = /((?:Fill|Insert|Type) \\?")((?:[^"\\]|\\[^"])+)(\\?")/g;
/** The keyboard's text in a trace's protocol calls (`keyboardInsertText`, `keyboardType`): always hashed, as its title is. */
const KEYBOARD_TEXT = /("method"\s*:\s*"keyboard(?:InsertText|Type)"\s*,\s*"params"\s*:\s*\{\s*"text"\s*:\s*")((?:[^"\\]|\\.)*)(")/g;

/** Redacts one text artifact by its patterns. Idempotent: hashed values are left as they are. */
export function redactArtifactText(text: string): string {
  return redactTraceText(text)
    .replace(SECRET_PARAMS, (_m, sep: string, name: string, value: string) => `${sep}${name}=${hashUnlessHashed(value)}`)
    .replace(SECRET_HEADER_LINES, (_m, name: string, sep: string, value: string) =>
      /authorization/i.test(name)
        ? `${name}${sep}${value.replace(/^(\w+\s+)?(.+)$/, (_x, scheme: string | undefined, cred: string) => `${scheme ?? ''}${hashUnlessHashed(cred.trim())}`)}`
        : /csrf|xsrf/i.test(name)
          ? `${name}${sep}${hashUnlessHashed(value.trim())}`
          : `${name}${sep}${redactCookieList(value)}`,
    )
    .replace(CSRF_MARKUP, (_m, head: string, value: string) => `${head}${hashUnlessHashed(value)}`)
    .replace(COOKIE_OBJECTS, (_m, head: string, value: string, tail: string) => `${head}${hashUnlessHashed(value)}${tail}`)
    .replace(TYPED_TITLES, (_m, head: string, value: string, tail: string) => `${head}${hashUnlessHashed(value)}${tail}`)
    .replace(KEYBOARD_TEXT, (_m, head: string, value: string, tail: string) => `${head}${hashUnlessHashed(value)}${tail}`);
}

/** Parameter, field and cookie names whose values are secrets wherever they appear as name/value pairs. */
const SECRET_NAMES = /^(code|state|password|passwd|client_secret|code_verifier|access_token|refresh_token|id_token|token|jwt_token|csrf_token|csrftoken|_csrf|csrf|xsrf[_-]?token|authenticity_token|session|session_id|sessionid|gw_session|assertion)$/i;
const HEADER_OBJECTS = /"name"\s*:\s*"([^"]{1,100})"\s*,\s*"value"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
const HAR_COOKIES = /"cookies"\s*:\s*\[([^\]]*)\]/g;
/** A fill's target and value: "selector" in traces, "locator" in the step params of a blob report (a shard's report.jsonl). */
const SENSITIVE_FILLS = /"(?:selector|locator)"\s*:\s*"([^"]*)"[^{}]*?"value"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
const SNAPSHOT_ELEMENTS = /\["(?:INPUT|META)",\{([^{}]*)\}/g;
const URL_PARAMS = /[?&#;](code|state|csrf_token|csrfToken|_csrf|access_token|id_token|refresh_token|token|code_verifier|client_secret)=([^&#"'\s<>\\]+)/g;
const JSON_SECRET_KEYS = /(access_token|refresh_token|id_token|client_secret|code_verifier|password|csrf_token|csrfToken|jwt_token)\\?["']?\s*[:=]\s*\\?["']([^"'\\\s]+)/gi;
const COOKIE_LINES = /\b(cookie|set-cookie)\s*:\s*([^\r\n"]+)/gi;

function cookieValues(list: string): string[] {
  return [...list.matchAll(/(?:^|;\s*)[^=;\s]+=([^;]*)/g)].map((m) => m[1] ?? '');
}

/**
 * Collects the secrets a text reveals in structured places (HAR query strings, post data, cookies and
 * headers; fills into password fields; hidden inputs and CSRF meta tags in DOM snapshots; OAuth URL
 * parameters; JSON token fields), so that the same values can be hashed wherever else they appear in the
 * run's artifacts (a code seen in a HAR entry is also in a DOM snapshot, an error message, a page title).
 */
export function harvestSecrets(text: string, into: Set<string>): void {
  const add = (value: string | undefined): void => {
    if (!value) return;
    const v = value.trim();
    if (v.length < 8 || v.startsWith('sha256:') || (v.length < 16 && /^[a-z]+$/i.test(v))) return;
    into.add(v);
    try {
      const decoded = decodeURIComponent(v);
      if (decoded !== v && decoded.length >= 8) into.add(decoded);
    } catch {
      // not URL-encoded
    }
  };
  for (const variant of text.includes('\\"') ? [text, text.replace(/\\"/g, '"')] : [text]) {
    for (const m of variant.matchAll(HEADER_OBJECTS)) {
      const name = (m[1] ?? '').toLowerCase();
      const value = m[2] ?? '';
      if (SECRET_NAMES.test(name)) add(value);
      else if (name === 'cookie') cookieValues(value).forEach(add);
      else if (name === 'set-cookie') value.split('\n').forEach((line) => add(cookieValues(line)[0]));
      else if (name === 'authorization' || name === 'proxy-authorization') {
        const cred = value.replace(/^\w+\s+/, '');
        add(cred);
        if (/^basic\s/i.test(value)) Buffer.from(cred, 'base64').toString('utf8').split(':').forEach(add);
      } else if (/csrf|xsrf/.test(name)) add(value);
    }
    for (const m of variant.matchAll(HAR_COOKIES)) for (const v of (m[1] ?? '').matchAll(/"value"\s*:\s*"([^"]*)"/g)) add(v[1]);
    for (const m of variant.matchAll(SENSITIVE_FILLS)) if (/pass|secret|token|otp/i.test(m[1] ?? '')) add(m[2]);
    // Typed text has no field name with it: every long value is taken (short words, "alice", are left by add()).
    for (const m of variant.matchAll(KEYBOARD_TEXT)) add(m[2]);
    for (const m of variant.matchAll(SNAPSHOT_ELEMENTS)) {
      const attrs = m[1] ?? '';
      if (!/"(?:type|name)"\s*:\s*"(?:hidden|password|[^"]*(?:csrf|xsrf|token|state|code)[^"]*)"/i.test(attrs)) continue;
      for (const v of attrs.matchAll(/"(?:value|__playwright_value_|content)"\s*:\s*"([^"]*)"/g)) add(v[1]);
    }
    for (const m of variant.matchAll(URL_PARAMS)) add(m[2]);
    for (const m of variant.matchAll(JSON_SECRET_KEYS)) add(m[2]);
    for (const m of variant.matchAll(COOKIE_LINES)) {
      if (m[1]?.toLowerCase() === 'set-cookie') add(cookieValues(m[2] ?? '')[0]);
      else cookieValues(m[2] ?? '').forEach(add);
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Hashes every known secret (and its URL-encoded form) wherever it appears. */
export function replaceKnownSecrets(text: string, secrets: ReadonlySet<string>): string {
  if (secrets.size === 0) return text;
  const forms = new Set<string>();
  for (const s of secrets) {
    forms.add(s);
    forms.add(encodeURIComponent(s));
  }
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  const byForm = new Map<string, string>();
  for (const s of secrets) {
    byForm.set(s, hashSecret(s));
    byForm.set(encodeURIComponent(s), hashSecret(s));
  }
  return text.replace(pattern, (m) => byForm.get(m) ?? m);
}

const BINARY = /\.(png|jpe?g|gif|webp|webm|mp4|ico|woff2?|ttf)$/i;
const EMBEDDED_REPORT = /(<template id="playwrightReportBase64">data:application\/zip;base64,)([A-Za-z0-9+/=\s]*)(<\/template>)/;

/** Bytes that decode as UTF-8 text without replacement characters are treated as text. */
function asText(bytes: Uint8Array): string | null {
  const text = Buffer.from(bytes).toString('utf8');
  return text.includes('\uFFFD') || text.includes('\u0000') ? null : text;
}

type TextRewrite = (text: string) => string | Promise<string>;

/** Applies a rewrite to every text entry of a zip (a trace, the HTML report's data), zips inside it too. */
async function rewriteZip(bytes: Uint8Array, rewrite: TextRewrite): Promise<Buffer> {
  const zip = await JSZip.loadAsync(bytes);
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    const content = await entry.async('uint8array');
    // No folder entries the archive did not have (JSZip adds them by default): Playwright's merge-reports
    // writes every entry of a blob report as a file, and a "resources/" entry fails it with EISDIR.
    if (entry.name.endsWith('.zip')) {
      zip.file(entry.name, await rewriteZip(content, rewrite), { createFolders: false });
      continue;
    }
    const text = asText(content);
    if (text === null) continue;
    const out = await rewrite(text);
    if (out !== text) zip.file(entry.name, out, { createFolders: false });
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Applies a rewrite to the data zip embedded in the HTML report's index.html; the app code around it is left as it is. */
async function rewriteHtmlReport(html: string, rewrite: TextRewrite): Promise<string> {
  const match = EMBEDDED_REPORT.exec(html);
  if (!match) return html;
  const data = Buffer.from((match[2] ?? '').replace(/\s+/g, ''), 'base64');
  const encoded = (await rewriteZip(data, rewrite)).toString('base64');
  return html.replace(EMBEDDED_REPORT, (_m, head: string, _b: string, tail: string) => `${head}${encoded}${tail}`);
}

/** Pattern-only redaction of one zip (used by tests and for a single archive). */
export function redactZip(bytes: Uint8Array): Promise<Buffer> {
  return rewriteZip(bytes, redactArtifactText);
}

/** Pattern-only redaction of an HTML report's index.html. */
export function redactHtmlReport(html: string): Promise<string> {
  return rewriteHtmlReport(html, redactArtifactText);
}

/** The files under `dir`; `dir` itself when it is a file (junit.xml, conformance.json). */
function filesUnder(dir: string): string[] {
  if (existsSync(dir) && statSync(dir).isFile()) return [dir];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return full.endsWith(`${path.sep}html${path.sep}trace`) ? [] : filesUnder(full);
    return e.isFile() ? [full] : [];
  });
}

/** Rewrites every text artifact under `dir` (zips and the HTML report's data included); returns the files changed. */
async function rewriteDir(dir: string, rewrite: TextRewrite, write = true): Promise<number> {
  let rewritten = 0;
  for (const file of filesUnder(dir)) {
    if (BINARY.test(file)) continue;
    const bytes = readFileSync(file);
    let out: Buffer | string | null = null;
    if (file.endsWith('.zip')) {
      out = await rewriteZip(bytes, rewrite);
    } else {
      const text = asText(bytes);
      if (text === null) continue;
      const redacted = EMBEDDED_REPORT.test(text) ? await rewriteHtmlReport(text, rewrite) : await rewrite(text);
      if (redacted !== text) out = redacted;
    }
    if (out !== null && write) {
      writeFileSync(file, out);
      rewritten++;
    }
  }
  return rewritten;
}

/**
 * Redacts every artifact under `dir` (or only under its entries named in `only`) in two passes: first it
 * collects the secrets the artifacts reveal in structured places, then it rewrites every text with those
 * values hashed wherever they appear, plus the pattern rules. Returns how many files it rewrote.
 */
export async function redactReportDir(dir: string, only?: readonly string[]): Promise<number> {
  const roots = only === undefined ? [dir] : only.map((entry) => path.join(dir, entry)).filter((p) => existsSync(p));
  const secrets = new Set<string>();
  for (const root of roots) {
    await rewriteDir(root, (text) => {
      harvestSecrets(text, secrets);
      return text;
    }, false);
  }
  let rewritten = 0;
  for (const root of roots) rewritten += await rewriteDir(root, (text) => redactArtifactText(replaceKnownSecrets(text, secrets)));
  return rewritten;
}
