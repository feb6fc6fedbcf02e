import { html } from '../html.js';
import { renderPage } from './layout.js';

/** The sign-in page; `next` (the page asked for after sign-in, checked only when the form is posted) rides along. */
export function renderLoginPage(root: string, failed: boolean, next: string | undefined): string {
  return renderPage({
    root,
    title: 'Sign in',
    body: html`<main>
<h1>Sign in to the gateway</h1>
${failed ? html`<p class="error" role="alert">Wrong username or password.</p>` : null}
<form method="post" action="${root}/login">
${next === undefined ? null : html`<input type="hidden" name="next" value="${next}">`}
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
</main>`,
  });
}
