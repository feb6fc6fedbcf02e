import type { IncomingMessage } from 'node:http';
import type { IdpLogEntry, IdpLogKind } from './types.js';
import type { GrantStore } from './grant-store.js';
import type { ParsedParams, Reply } from './http-io.js';
import type { Knobs } from './knobs.js';
import type { LibraryIssuer } from './library-issuer.js';
import type { RequestBarrier } from './request-barrier.js';
import type { Registry } from './registry.js';
import type { SignInMemory } from './sign-in-memory.js';

/** Everything a handler may read or change; one instance per IdP. */
export interface IdpContext {
  library: LibraryIssuer;
  registry: Registry;
  grants: GrantStore;
  knobs: Knobs;
  /** Browser sessions and granted consents (remembered sign-in). */
  memory: SignInMemory;
  /** Where refreshes wait while the `refreshBarrier` knob is set. */
  refreshBarrier: RequestBarrier;
  /** Where code exchanges wait while the `codeExchangeBarrier` knob is set. */
  codeExchangeBarrier: RequestBarrier;
}

export interface IdpRequest {
  req: IncomingMessage;
  query: ParsedParams;
  /** The form body of a POST; undefined when the body was not application/x-www-form-urlencoded. */
  form: ParsedParams | undefined;
  /** The raw body of a POST (JSON endpoints parse it themselves); undefined for GET. */
  body?: string;
}

/** Log fields a handler learns while it works; the router adds status and outcome from the reply. */
export interface LogNotes {
  kind: IdpLogKind;
  clientId?: string;
  user?: string;
  clientAuth?: IdpLogEntry['clientAuth'];
  barrier?: IdpLogEntry['barrier'];
  /** Non-secret fields of a JSON body, for the log's `params` (a form body is logged by the router itself). */
  bodyParams?: Record<string, string>;
}

export type Handler = (ctx: IdpContext, request: IdpRequest, notes: LogNotes) => Reply | Promise<Reply>;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
