/**
 * The IdP's HTML pages: sign-in, consent and error. Self-contained (inline CSS, no scripts, no external
 * resources), every interpolated value escaped. Selectors the browser helpers rely on: input[name=username],
 * input[name=password], button[type=submit] "Sign in"; buttons "Allow" and "Deny". Every page names
 * itself in `<meta name="mock-idp-page">` (sign-in, consent, signed-in, error), so a browser helper can
 * tell which page it is on, or that it is on none of them, without waiting for an element that may never come.
 */
import { escapeHtml } from '../lib/html.js';
import { ENDPOINT_PATHS } from './endpoints.js';

export const PAGE_MARKER = 'mock-idp-page';
export type IdpPageName = 'sign-in' | 'consent' | 'signed-in' | 'error';

function layout(title: string, body: string, page: IdpPageName): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="${PAGE_MARKER}" content="${page}">
<title>${escapeHtml(title)} · Mock IdP</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; }
label { display: block; margin: .75rem 0 .25rem; }
input { width: 100%; padding: .4rem; box-sizing: border-box; }
button { margin-top: 1rem; margin-right: .5rem; padding: .4rem 1.2rem; }
.error { color: #a00; font-weight: bold; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/** The sign-in form; without a request (the IdP's own account page) it signs in with no client waiting. */
export function signInPage(input: { request?: { requestId: string; clientName: string }; error?: string; username?: string }): string {
  const error = input.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.error)}</p>\n`;
  const purpose =
    input.request === undefined
      ? '<p>Sign in to your account.</p>'
      : `<p>Sign in to continue to <strong>${escapeHtml(input.request.clientName)}</strong>.</p>`;
  const requestField =
    input.request === undefined ? '' : `<input type="hidden" name="request_id" value="${escapeHtml(input.request.requestId)}">\n`;
  return layout(
    'Sign in',
    `${purpose}
${error}<form method="post" action="${ENDPOINT_PATHS.signIn}">
${requestField}<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(input.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
    'sign-in',
  );
}

export function signedInPage(username: string): string {
  return layout('Signed in', `<p>Signed in as <strong id="user">${escapeHtml(username)}</strong>.</p>`, 'signed-in');
}

export function consentPage(input: {
  requestId: string;
  clientName: string;
  username: string;
  scopes: string[];
  resource?: string;
}): string {
  const scopes =
    input.scopes.length === 0
      ? '<p>No specific scopes were requested.</p>'
      : `<ul id="scopes">${input.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`;
  const resource =
    input.resource === undefined ? '' : `<p>For the resource <code id="resource">${escapeHtml(input.resource)}</code>.</p>\n`;
  return layout(
    'Authorize access',
    `<p>Signed in as <strong id="user">${escapeHtml(input.username)}</strong>.</p>
<p><strong id="client">${escapeHtml(input.clientName)}</strong> wants access with these scopes:</p>
${scopes}
${resource}<form method="post" action="${ENDPOINT_PATHS.consent}">
<input type="hidden" name="request_id" value="${escapeHtml(input.requestId)}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
    'consent',
  );
}

export function errorPage(title: string, message: string): string {
  return layout(title, `<p class="error" role="alert">${escapeHtml(message)}</p>`, 'error');
}
