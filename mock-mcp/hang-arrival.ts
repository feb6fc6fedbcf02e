/**
 * Behaviour 'hang' is decided when a request arrives, not when it is answered: the token check between the two is
 * asynchronous, and the behaviour may change meanwhile. A request that arrived while the server hung stays stuck
 * whenever its check ends (and is answered 503 at once if the server has recovered by then); one that arrived
 * before the hang is not caught by it.
 */
import type { RequestHandler, Response } from 'express';
import type { McpBehaviour } from './types.js';

const ARRIVED_WHILE_HANGING = 'arrivedWhileHanging';

/** Middleware, first on the MCP routes: notes whether the request arrived while the behaviour was 'hang'. */
export function noteArrivalWhileHanging(behaviour: () => McpBehaviour): RequestHandler {
  return (_req, res, next) => {
    res.locals[ARRIVED_WHILE_HANGING] = behaviour() === 'hang';
    next();
  };
}

/** What `noteArrivalWhileHanging` noted for this request (false for a request it never saw). */
export function arrivedWhileHanging(res: Response): boolean {
  return res.locals[ARRIVED_WHILE_HANGING] === true;
}
