import { html } from '../html.js';
import { renderPage } from './layout.js';

export function renderLoginPage(root: string, failed: boolean): string {
  return renderPage({
    root,
    title: 'Sign in',
    body: html`<main>
<h1>Sign in to the gateway</h1>
${failed ? html`<p class="error" role="alert">Wrong username or password.</p>` : null}
<form method="post" action="${root}/login">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
</main>`,
  });
}
