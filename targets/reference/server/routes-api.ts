/** JSON API for scripts and the harness: bearer tokens (or the browser session) on /api/*. */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { authenticateApiCaller, currentSession } from './auth.js';
import type { GatewayContext } from './context.js';
import { GatewayRegistrationSchema, GatewayRepointingSchema, type Gateway } from './gateways.js';
import { discoverUpstream } from './discovery.js';
import { publicRedirectUri } from './public-origin.js';

/** Registration by URL only: the rest is discovered (discovery.ts). */
const DiscoveryRegistrationSchema = GatewayRegistrationSchema.pick({ name: true, mcpUrl: true, scopes: true });

const ApiLoginSchema = z.object({ username: z.string().max(200), password: z.string().max(500) });

/** The registered gateway `id` names, or null after answering 404. */
function gatewayOr404(ctx: GatewayContext, id: string, res: Response): Gateway | null {
  const gateway = ctx.gateways.get(id);
  if (gateway === undefined) {
    res.status(404).json({ success: false, message: 'Unknown gateway' });
    return null;
  }
  return gateway;
}

export function apiRoutes(ctx: GatewayContext): Router {
  const router = Router();
  const json = express.json({ limit: '64kb' });

  /** Who edits or deletes a registration (their own grants are part of what an edit ends), or null after the refusal. */
  const editorOf = (req: Request, res: Response): string | null => {
    // BUG (api-edit-without-authentication): the edit routes take their caller from the optional-caller helper of the
    // public pages, which answers "nobody" instead of refusing: a request with no credentials edits as 'anonymous'.
    if (ctx.faults['api-edit-without-authentication'] && req.get('authorization') === undefined && currentSession(req, ctx) === undefined) return 'anonymous';
    return authenticateApiCaller(req, res, ctx)?.user ?? null;
  };

  router.post('/api/login', json, (req, res) => {
    const parsed = ApiLoginSchema.safeParse(req.body);
    // BUG (api-login-password-unchecked): the API's sign-in, written apart from the page's, only checks that the
    // account exists (the password check was left to the page), so any password gets an API token.
    const user = !parsed.success
      ? null
      : ctx.faults['api-login-password-unchecked']
        ? ctx.accounts.named(parsed.data.username)
        : ctx.accounts.verify(parsed.data.username, parsed.data.password);
    if (user === null) {
      res.status(401).json({ success: false, message: 'Invalid username or password' });
      return;
    }
    res.json({ token: ctx.apiTokens.issue(user) });
  });

  router.get('/api/gateways', (req, res) => {
    const caller = authenticateApiCaller(req, res, ctx);
    if (caller === null) return;
    // `connected`: whether the caller holds an authorization for it (what the table's Disconnect ends).
    const gateways = ctx.gateways.all().map((g) => ({ id: g.id, name: g.name, toolCount: g.tools.length, connected: ctx.grants.connected(g.id, caller.user) }));
    res.json({ gateways });
  });

  router.post('/api/gateways', json, (req, res) => {
    // BUG (api-refusal-falls-through): the 401 is sent, and the handler goes on.
    if (authenticateApiCaller(req, res, ctx) === null && !ctx.faults['api-refusal-falls-through']) return;
    const parsed = GatewayRegistrationSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ success: false, message: z.prettifyError(parsed.error) });
      return;
    }
    const gateway = ctx.gateways.add(parsed.data);
    res.status(201).json({ id: gateway.id, name: gateway.name });
  });

  router.post('/api/gateways/discover', json, async (req, res) => {
    if (authenticateApiCaller(req, res, ctx) === null && !ctx.faults['api-refusal-falls-through']) return;
    const parsed = DiscoveryRegistrationSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ success: false, message: z.prettifyError(parsed.error) });
      return;
    }
    const discovered = await discoverUpstream({ ...parsed.data, redirectUri: publicRedirectUri(req, ctx) }, ctx.faults);
    if (!discovered.ok) {
      // BUG (discovery-refusal-as-server-error): every failed registration is one server error with a fixed message,
      // the check's reason only logged (ContextForge's Authorize answers any DCR error 500 "Dynamic Client Registration failed").
      if (ctx.faults['discovery-refusal-as-server-error']) {
        ctx.log.event(`dynamic client registration failed: ${discovered.message}`);
        res.status(500).json({ success: false, message: 'Dynamic client registration failed. Configure a client ID instead.' });
        return;
      }
      // 422: the request was well formed, what the upstream published cannot be used.
      res.status(422).json({ success: false, message: discovered.message });
      return;
    }
    const gateway = ctx.gateways.add(discovered.registration);
    res.status(201).json({ id: gateway.id, name: gateway.name });
  });

  router.get('/api/gateways/:id', (req, res) => {
    const caller = authenticateApiCaller(req, res, ctx);
    if (caller === null) return;
    const gateway = gatewayOr404(ctx, req.params.id, res);
    if (gateway === null) return;
    const grant = ctx.grants.get(gateway.id, caller.user);
    // What a user may know of a registration: where it points and whether they hold a grant; its client secret
    // is write-only and the grant's tokens never leave the gateway (they act for the user only upstream).
    const details = {
      id: gateway.id,
      name: gateway.name,
      mcpUrl: gateway.mcpUrl,
      issuer: gateway.issuer,
      clientId: gateway.clientId,
      scopes: gateway.scopes,
      toolCount: gateway.tools.length,
      connected: grant !== undefined,
    };
    // BUG (gateway-details-unmasked): this one read endpoint skips the masking the others apply and returns the
    // registration as stored, client secret included, with the caller's grant "so API clients can reuse it".
    res.json(ctx.faults['gateway-details-unmasked'] ? { ...details, clientSecret: gateway.clientSecret, grant } : details);
  });

  // An admin points a registration at another MCP server. The grants users hold for it were issued for the old server
  // (its resource, its consent): they end here, for every user, so no token follows the registration (TOKEN-25).
  router.patch('/api/gateways/:id', json, (req, res) => {
    const editor = editorOf(req, res);
    if (editor === null) return;
    const gateway = gatewayOr404(ctx, req.params.id, res);
    if (gateway === null) return;
    const parsed = GatewayRepointingSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ success: false, message: z.prettifyError(parsed.error) });
      return;
    }
    if (ctx.gateways.repoint(gateway, parsed.data)) ctx.grants.dropUpstreamGrants(gateway.id, editor);
    res.json({ id: gateway.id, name: gateway.name, mcpUrl: gateway.mcpUrl });
  });

  // An admin deletes a registration: its grants end with it, so that nothing registered later finds them (TOKEN-25).
  router.delete('/api/gateways/:id', (req, res) => {
    const editor = editorOf(req, res);
    if (editor === null) return;
    if (gatewayOr404(ctx, req.params.id, res) === null) return;
    ctx.grants.dropUpstreamGrants(req.params.id, editor);
    ctx.gateways.remove(req.params.id);
    res.status(204).end();
  });

  router.get('/api/gateways/:id/tools', (req, res) => {
    if (authenticateApiCaller(req, res, ctx) === null) return;
    const gateway = gatewayOr404(ctx, req.params.id, res);
    if (gateway === null) return;
    res.json({ tools: gateway.tools.map((name) => ({ name })) });
  });

  return router;
}
