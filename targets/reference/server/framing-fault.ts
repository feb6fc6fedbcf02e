/**
 * BUG (frameable-pages): a Content-Security-Policy rewritten without `frame-ancestors`, and no
 * X-Frame-Options, so any site can put the gateway's pages (Authorize, Fetch Tools) in an invisible frame.
 */
import type { RequestHandler } from 'express';

export function allowFraming(pageCsp: string): RequestHandler {
  const withoutFrameAncestors = pageCsp
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '' && !d.startsWith('frame-ancestors'))
    .join('; ');
  return (_req, res, next) => {
    res.removeHeader('X-Frame-Options');
    res.set('Content-Security-Policy', withoutFrameAncestors);
    next();
  };
}
