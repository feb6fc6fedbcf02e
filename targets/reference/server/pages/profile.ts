import { html } from '../html.js';
import type { Session } from '../sessions.js';
import { renderPage } from './layout.js';

/** A plain same-origin page for a logged-in user: neither the admin UI nor the callback. */
export function renderProfilePage(root: string, session: Session): string {
  return renderPage({
    root,
    title: 'Profile',
    csrfToken: session.csrfToken,
    body: html`<main>
<h1>Profile</h1>
<p>Signed in as <strong id="profile-user">${session.user}</strong>.</p>
<p><a href="${root}/admin">Gateways</a></p>
</main>`,
  });
}
