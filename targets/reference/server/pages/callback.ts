import type { Gateway } from '../gateways.js';
import { html, jsonForScriptBlock, type SafeHtml } from '../html.js';
import { renderPage } from './layout.js';

export interface CallbackSuccessOptions {
  /** The gateway's root path ('' or e.g. '/gw'). */
  root: string;
  /** What the page script uses as the root path (fault mode root-path-ignored-by-script: ''). */
  scriptRoot: string;
  gateway: Gateway;
  user: string;
  /** The session's anti-CSRF token (absent only when the callback ran without a session). */
  csrfToken: string | undefined;
  /** callback-fetch-omits-credentials: tells /static/callback.js to send the POST with credentials 'omit'. */
  omitCredentials: boolean;
  /** referrer-policy-full-url: tells /static/callback.js to leave code and state in the address bar. */
  keepResponseInUrl: boolean;
  /** token-in-page: the tokens this page must NOT contain in a correct gateway. */
  leakedTokens: { accessToken: string; refreshToken: string | undefined } | null;
}

export function renderCallbackSuccessPage(options: CallbackSuccessOptions): string {
  const { gateway, leakedTokens } = options;
  // Only fault token-in-page hands the tokens to the page.
  const leak =
    leakedTokens === null
      ? null
      : html`<div data-access-token="${leakedTokens.accessToken}" hidden></div>
<script type="application/json" id="token">${jsonForScriptBlock({
          access_token: leakedTokens.accessToken,
          refresh_token: leakedTokens.refreshToken ?? null,
        })}</script>`;
  return renderPage({
    root: options.root,
    scriptRoot: options.scriptRoot,
    title: 'Authorization successful',
    csrfToken: options.csrfToken ?? '',
    scripts: ['/static/callback.js'],
    body: html`<main${options.keepResponseInUrl ? html` data-callback-url="keep"` : null}>
<h1>Authorization successful</h1>
<p>The gateway <strong>${gateway.name}</strong> is now authorized for <strong>${options.user}</strong>.</p>
<button type="button" id="fetch-tools-btn" data-gateway-id="${gateway.id}"${options.omitCredentials ? html` data-credentials="omit"` : null}>Fetch Tools from MCP Server</button>
<div id="fetch-status" role="status" aria-live="polite"></div>
${leak}
<p><a href="${options.root}/admin">Back to gateways</a></p>
</main>`,
  });
}

/** `moreAbout`: the IdP's page about the error (error_uri), already checked to be a web URL (error-uri.ts). */
export function renderCallbackFailurePage(root: string, reason: string, detail?: string | SafeHtml, moreAbout?: string): string {
  return renderPage({
    root,
    title: 'Authorization failed',
    body: html`<main>
<h1>Authorization failed</h1>
<p class="error" role="alert" id="callback-error">${reason}</p>
${detail === undefined ? null : html`<p class="error-detail">${detail}</p>`}
${moreAbout === undefined ? null : html`<p><a href="${moreAbout}" rel="noreferrer noopener" target="_blank">More about this error</a></p>`}
<p><a href="${root}/admin">Back to gateways</a></p>
</main>`,
  });
}
