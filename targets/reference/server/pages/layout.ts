/** The page frame every HTML response shares: no inline script or style, only same-origin /static/ resources. */
import { html, type SafeHtml } from '../html.js';

export interface PageOptions {
  /** The gateway's root path ('' or e.g. '/gw'): the prefix of every URL the page names. */
  root: string;
  /**
   * What the page scripts take as the root path for the URLs they call (`<meta name="root-path">`); `root`
   * unless a fault mode says otherwise.
   */
  scriptRoot?: string;
  title: string;
  body: SafeHtml;
  /** Paths under /static/ loaded as module scripts (deferred by nature). */
  scripts?: readonly string[];
  /** Per-session anti-CSRF token, exposed to the page scripts as `<meta name="csrf-token">`. */
  csrfToken?: string;
}

export function renderPage(options: PageOptions): string {
  const { root } = options;
  const scripts = (options.scripts ?? []).map((src) => html`<script type="module" src="${root}${src}"></script>`);
  const csrfMeta = options.csrfToken === undefined ? null : html`<meta name="csrf-token" content="${options.csrfToken}">`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${csrfMeta}
<meta name="root-path" content="${options.scriptRoot ?? root}">
<title>${options.title} · Reference MCP Gateway</title>
<link rel="icon" href="${root}/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${root}/static/app.css">
${scripts}
</head>
<body>
${options.body}
</body>
</html>
`.value;
}

/** A page that only says what happened (errors, rejections) with a way back. */
export function renderMessagePage(root: string, title: string, message: string, linkBack = '/admin'): string {
  return renderPage({
    root,
    title,
    body: html`<main>
<h1>${title}</h1>
<p class="message">${message}</p>
<p><a href="${root}${linkBack}">Back</a></p>
</main>`,
  });
}
