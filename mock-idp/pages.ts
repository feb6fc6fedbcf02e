/**
 * The IdP's HTML pages: sign-in, consent and error. Self-contained (inline CSS, no scripts, no external
 * resources), every interpolated value escaped. Selectors the browser helpers rely on: input[name=username],
 * input[name=password], button[type=submit] "Sign in"; buttons "Allow" and "Deny".
 */
import { escapeHtml } from '../lib/html.js';
import { ENDPOINT_PATHS } from './endpoints.js';

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
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

export function signInPage(input: { requestId: string; clientName: string; error?: string; username?: string }): string {
  const error = input.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.error)}</p>\n`;
  return layout(
    'Sign in',
    `<p>Sign in to continue to <strong>${escapeHtml(input.clientName)}</strong>.</p>
${error}<form method="post" action="${ENDPOINT_PATHS.signIn}">
<input type="hidden" name="request_id" value="${escapeHtml(input.requestId)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(input.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
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
  );
}

export function errorPage(title: string, message: string): string {
  return layout(title, `<p class="error" role="alert">${escapeHtml(message)}</p>`);
}
