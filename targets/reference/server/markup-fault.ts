/**
 * Fault mode upstream-message-as-markup: the shared Fetch Tools script shows the outcome with innerHTML
 * (as a UI change that wanted links in its messages would), so the MCP server's own error message, which
 * the gateway passes on, becomes markup on the gateway's pages. Served in place of the correct script;
 * the change is the one line that writes the outcome.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';

const CORRECT = 'status.textContent = outcome.text;';
const BROKEN = 'status.innerHTML = outcome.text;';

export function fetchToolsScriptAsMarkup(staticDir: string): RequestHandler {
  const source = readFileSync(path.join(staticDir, 'fetch-tools.js'), 'utf8');
  if (!source.includes(CORRECT)) throw new Error(`upstream-message-as-markup: fetch-tools.js no longer contains "${CORRECT}"`);
  const broken = source.replace(CORRECT, BROKEN);
  return (_req, res) => {
    res.type('text/javascript').send(broken);
  };
}
