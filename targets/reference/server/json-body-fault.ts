/**
 * Fault mode json-body-any-content-type: Fetch Tools moved to a JSON body ({"gatewayId": …}), and its CSRF defence
 * moved with it to "a JSON body cannot be sent from another page without a CORS preflight", so the request-origin
 * check was dropped for it. But the body is read as JSON whatever its Content-Type says, and text/plain (or a form
 * whose one field spells out the JSON) needs no preflight: any page the cookie rides from (a same-site sibling under
 * SameSite=Lax) posts it. FastAPI before 0.65.2 (CVE-2021-32677, GHSA-8h2j-cgx8-6xv7) parsed a JSON body sent as
 * text/plain exactly so, and its advisory names the consequence: CSRF on cookie-authenticated JSON endpoints.
 *
 * The page script is the correct one with its request init swapped for the JSON one (as upstream-message-as-markup
 * swaps one line), so the page posts what the API expects; the server route reads any body as JSON.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';

const CORRECT_INIT = "const init = { method: 'POST', headers: { 'X-CSRF-Token': csrfToken() } };";
const JSON_INIT =
  "const init = { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() }, body: JSON.stringify({ gatewayId }) };";

/** The Fetch Tools script whose request carries the JSON body. */
export function fetchToolsScriptPostingJson(staticDir: string): RequestHandler {
  const source = readFileSync(path.join(staticDir, 'fetch-tools.js'), 'utf8');
  if (!source.includes(CORRECT_INIT)) throw new Error(`json-body-any-content-type: fetch-tools.js no longer contains "${CORRECT_INIT}"`);
  const posting = source.replace(CORRECT_INIT, JSON_INIT);
  return (_req, res) => {
    res.type('text/javascript').send(posting);
  };
}

/**
 * Reads the body as JSON whatever its Content-Type (the bug), and demands the gateway the path names: a request
 * without the JSON body is refused 400, so the page's own request is the one shape that works.
 */
export function jsonBodyOfAnyType(): RequestHandler[] {
  const readText = express.text({ type: () => true, limit: '16kb' });
  const parse: RequestHandler<{ id: string }> = (req, res, next) => {
    let body: unknown;
    try {
      body = typeof req.body === 'string' ? JSON.parse(req.body) : undefined;
    } catch {
      body = undefined;
    }
    const gatewayId = typeof body === 'object' && body !== null ? (body as { gatewayId?: unknown }).gatewayId : undefined;
    if (gatewayId !== req.params.id) {
      res.status(400).json({ success: false, message: 'Expected a JSON body {"gatewayId": …} naming the gateway in the path' });
      return;
    }
    next();
  };
  return [readText, parse as RequestHandler];
}
