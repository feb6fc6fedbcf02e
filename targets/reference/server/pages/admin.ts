import type { Gateway } from '../gateways.js';
import { html, SafeHtml } from '../html.js';
import type { Session } from '../sessions.js';
import { renderPage } from './layout.js';

export interface AdminPageOptions {
  /** The gateway's root path ('' or e.g. '/gw'). */
  root: string;
  /** What the page scripts use as the root path (fault mode root-path-ignored-by-script: ''). */
  scriptRoot: string;
  session: Session;
  gateways: readonly Gateway[];
  /** Whether this session's user holds an authorization for the gateway (the Connection column). */
  connected: (gatewayId: string) => boolean;
  /** table-fetch-noop: tells /static/admin.js to report success without calling the server. */
  tableFetchNoop: boolean;
  /** authorization-url-opened-by-script: tells /static/admin.js to fetch the authorization URL and go there by script. */
  authorizeByScript: boolean;
  /**
   * BUG (tool-description-as-markup): the MCP server's tool descriptions are written into the page as HTML (a
   * change that wanted the server's formatting, bold names and links, to show), so a description is markup here.
   */
  descriptionsAsMarkup: boolean;
  /**
   * BUG (tool-title-as-markup): the tools' display titles are written into the page as HTML (kept "raw" so that a
   * server's emphasis or emoji markup shows), while descriptions stay text.
   */
  titlesAsMarkup: boolean;
}

/** Each fetched tool's name and its MCP server's description, as text (the server is a third party: UI-03). */
function toolList(gateway: Gateway, asMarkup: { descriptions: boolean; titles: boolean }) {
  const describe = (name: string) => {
    const description = gateway.toolDescriptions.get(name) ?? '';
    return asMarkup.descriptions ? new SafeHtml(description) : description;
  };
  const title = (name: string) => {
    const text = gateway.toolTitles.get(name) ?? '';
    return asMarkup.titles ? new SafeHtml(text) : text;
  };
  return html`<ul class="tool-list">${gateway.tools.map((name) => html`<li><code>${name}</code> <span class="tool-title">${title(name)}</span> <span class="tool-description">${describe(name)}</span></li>`)}</ul>`;
}

export function renderAdminPage({ root, scriptRoot, session, gateways, connected, tableFetchNoop, authorizeByScript, descriptionsAsMarkup, titlesAsMarkup }: AdminPageOptions): string {
  const rows = gateways.map(
    (g) => html`<tr data-gateway-id="${g.id}">
<td class="gateway-name">${g.name}</td>
<td class="tool-count">${g.tools.length}</td>
<td class="tools">${toolList(g, { descriptions: descriptionsAsMarkup, titles: titlesAsMarkup })}</td>
<td class="connection">${connected(g.id) ? 'Connected' : 'Not connected'}</td>
<td class="actions">
<a data-action="authorize" href="${root}/oauth/authorize/${encodeURIComponent(g.id)}">Authorize</a>
<button type="button" data-action="fetch-tools" data-gateway-id="${g.id}">Fetch Tools</button>
<form method="post" action="${root}/oauth/disconnect/${encodeURIComponent(g.id)}" class="inline"><input type="hidden" name="csrf_token" value="${session.csrfToken}"><button type="submit" data-action="disconnect">Disconnect</button></form>
<span class="fetch-status" role="status" aria-live="polite"></span>
</td>
</tr>`,
  );
  return renderPage({
    root,
    scriptRoot,
    title: 'Gateways',
    csrfToken: session.csrfToken,
    scripts: ['/static/admin.js'],
    body: html`<header>
<span>Signed in as <strong id="current-user">${session.user}</strong></span>
<a href="${root}/profile">Profile</a>
<form method="post" action="${root}/logout" class="inline"><input type="hidden" name="csrf_token" value="${session.csrfToken}"><button type="submit">Sign out</button></form>
</header>
<main>
<h1>MCP gateways</h1>
<table id="gateways"${tableFetchNoop ? html` data-fetch-mode="noop"` : null}${authorizeByScript ? html` data-authorize-mode="script"` : null}>
<thead><tr><th>Name</th><th>Tools</th><th>Tool list</th><th>Your authorization</th><th>Actions</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${gateways.length === 0 ? html`<p id="no-gateways">No gateways registered yet.</p>` : null}
<h2>Register a gateway</h2>
<form id="register-gateway" method="post" action="${root}/admin/gateways">
<input type="hidden" name="csrf_token" value="${session.csrfToken}">
<label>Name <input name="name" required></label>
<label>MCP URL <input name="mcpUrl" type="url" required></label>
<label>Issuer <input name="issuer" type="url" required></label>
<label>Authorization endpoint <input name="authorizationEndpoint" type="url" required></label>
<label>Token endpoint <input name="tokenEndpoint" type="url" required></label>
<label>Revocation endpoint (optional) <input name="revocationEndpoint" type="url"></label>
<label>Client ID <input name="clientId" required></label>
<label>Client secret <input name="clientSecret" type="password" required></label>
<label>Scopes (space-separated) <input name="scopes"></label>
<label>Resource <input name="resource" type="url" required></label>
<button type="submit">Register</button>
</form>
</main>`,
  });
}
