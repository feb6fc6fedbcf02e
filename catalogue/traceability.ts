/**
 * Traceability: each normative MUST/MUST NOT/SHOULD/SHOULD NOT (REQUIRED, RECOMMENDED) sentence of the
 * documents the catalogue cites, as far as it could concern a gateway acting as OAuth client and web app
 * in the browser flow, either tied to the requirement IDs that test it or excluded with a one-line reason.
 * test/unit/traceability.test.ts holds the catalogue to it: every requirement is reached from a sentence
 * here or is listed in OWN_DUTIES; every ID named here exists.
 *
 * Quotes are verbatim but for trimming ("…"); `paraphrase: true` marks wording that is ours (a bullet list
 * folded into one line, an algorithm step restated, or a sentence quoted from memory of the RFC).
 * Sentences that bind the authorization server or the MCP server are tied to ENV-02 where that
 * requirement proves our mock IdP or mock MCP server does what they say (the suite's verdicts rely on it),
 * and excluded as server-side otherwise.
 *
 * MCP security best practices: the text as released with 2025-11-25 (modelcontextprotocol repository,
 * docs/specification/2025-11-25/basic/security_best_practices.mdx, 92004a0a) with its rendered section
 * numbers; sections the guide gained later are marked "(added after release)".
 */
import type { RequirementId } from './requirements.js';
import {
  FETCH_METADATA,
  MCP_AUTHORIZATION,
  MCP_LIFECYCLE,
  MCP_TRANSPORTS,
  MCP_PAGINATION,
  MCP_SECURITY_BEST_PRACTICES,
  MCP_TOOLS,
  OAUTH21,
  RFC6265BIS,
  RFC6454,
  RFC6749,
  RFC6750,
  RFC7009,
  RFC7239,
  RFC7591,
  RFC7636,
  RFC8414,
  RFC8707,
  RFC9068,
  RFC9110,
  RFC9207,
  RFC9700,
  RFC9728,
  WHATWG_FETCH,
  type Source,
} from './sources.js';

export type Keyword = 'MUST' | 'MUST NOT' | 'SHOULD' | 'SHOULD NOT' | 'REQUIRED' | 'RECOMMENDED';

interface SentenceBase {
  readonly source: Source;
  readonly section: string;
  readonly keyword: Keyword;
  /** The sentence, ≤ 200 characters. */
  readonly text: string;
  readonly paraphrase?: true;
}

export type TracedSentence = SentenceBase &
  (
    | { readonly requirements: readonly [RequirementId, ...RequirementId[]]; readonly excluded?: never }
    | { readonly excluded: string; readonly requirements?: never }
  );

type Target = readonly [RequirementId, ...RequirementId[]] | { readonly excluded: string };

/** One document's sentences: `[section, keyword, text, requirement IDs or out(reason), paraphrase?]`. */
function sentencesOf(
  source: Source,
  rows: readonly (readonly [string, Keyword, string, Target] | readonly [string, Keyword, string, Target, 'paraphrase'])[],
): TracedSentence[] {
  return rows.map(([section, keyword, text, target, paraphrase]) => {
    const base: SentenceBase = { source, section, keyword, text, ...(paraphrase === undefined ? {} : { paraphrase: true as const }) };
    return isExclusion(target) ? { ...base, excluded: target.excluded } : { ...base, requirements: target };
  });
}

function isExclusion(target: Target): target is { readonly excluded: string } {
  return !Array.isArray(target);
}

const out = (reason: string): { readonly excluded: string } => ({ excluded: reason });

// The recurring reasons, so that the same kind of exclusion reads the same everywhere.
const AS = out('server-side: about the authorization server');
const AS_MOCK_NOT_PROVED = out('server-side: about the authorization server (not among the mock IdP strictness checks of ENV-02)');
const RS = out('server-side: about the MCP server as resource server');
const DISCOVERY = out('discovery beyond what FLOW-23 checks (PRM → AS metadata → dynamic registration, the resource check): well-known fallbacks, Client ID Metadata Documents, SSRF precautions; not in the catalogue yet');
const SCOPES = out('scope selection for the first authorization: the suite registers the scopes the upstream needs; not tested (step-up is TOKEN-12)');
const TLS = out('transport security: the suite runs on loopback http (*.localhost is a secure context); TLS is deployment, not tested');
const LOCAL = out('local MCP servers, stdio and one-click configuration, out of scope');
const MCP_SESSIONS = out("server-side: how an MCP server keeps its protocol sessions (Mcp-Session-Id); the gateway's side of them is TOKEN-16 and TOKEN-19");
const AS_ONLY_FOR_MCP_CLIENTS = out('per-client consent of a gateway that authorizes dynamically registered MCP clients: MCP client-to-gateway leg, out of scope');
const PREREQUISITE = out('prerequisite of every flow spec: the strict mock IdP completes no flow without it; not a separate requirement');
const GAP = (what: string) => out(`not in the catalogue yet: ${what}`);

const MCP_AUTH_SENTENCES = sentencesOf(MCP_AUTHORIZATION, [
  ['§1.2', 'SHOULD', 'Implementations using an HTTP-based transport SHOULD conform to this specification.', out('applicability: traced through the specific sentences of this document below')],
  ['§1.2', 'SHOULD NOT', 'Implementations using an STDIO transport SHOULD NOT follow this specification, and instead retrieve credentials from the environment.', LOCAL],
  ['§1.2', 'MUST', 'Implementations using alternative transports MUST follow established security best practices for their protocol.', out('other transports, out of scope')],
  ['§3', 'MUST', 'Authorization servers MUST implement OAuth 2.1 with appropriate security measures for both confidential and public clients.', AS],
  ['§3', 'SHOULD', 'Authorization servers and MCP clients SHOULD support OAuth Client ID Metadata Documents', DISCOVERY],
  ['§3', 'MUST', 'MCP servers MUST implement OAuth 2.0 Protected Resource Metadata (RFC9728).', RS],
  ['§3', 'MUST', 'MCP clients MUST use OAuth 2.0 Protected Resource Metadata for authorization server discovery.', ['FLOW-23']],
  ['§3', 'MUST', 'MCP authorization servers MUST provide at least one of the following discovery mechanisms', AS],
  ['§3', 'MUST', 'MCP clients MUST support both discovery mechanisms to obtain the information required to interact with the authorization server.', DISCOVERY],
  ['§4.1', 'MUST', 'MCP servers MUST implement the OAuth 2.0 Protected Resource Metadata (RFC9728) specification to indicate the locations of authorization servers.', RS],
  ['§4.1', 'MUST', 'The Protected Resource Metadata document returned by the MCP server MUST include the authorization_servers field containing at least one authorization server.', RS],
  ['§4.2', 'MUST', 'MCP servers MUST implement one of the following discovery mechanisms to provide authorization server location information to MCP clients', RS],
  ['§4.2', 'MUST', 'MCP clients MUST support both discovery mechanisms and use the resource metadata URL from the parsed WWW-Authenticate headers when present', DISCOVERY],
  ['§4.2', 'MUST', 'otherwise, they MUST fall back to constructing and requesting the well-known URIs in the order listed above.', DISCOVERY],
  ['§4.2', 'SHOULD', 'MCP servers SHOULD include a scope parameter in the WWW-Authenticate header as defined in RFC 6750 Section 3', RS],
  ['§4.2', 'MUST NOT', 'Clients MUST NOT assume any particular set relationship between the challenged scope set and scopes_supported.', SCOPES],
  ['§4.2', 'MUST', 'Clients MUST treat the scopes provided in the challenge as authoritative for satisfying the current request.', ['TOKEN-12']],
  ['§4.2', 'SHOULD', 'Servers SHOULD strive for consistency in how they construct scope sets', RS],
  ['§4.2', 'MUST', 'MCP clients MUST be able to parse WWW-Authenticate headers and respond appropriately to HTTP 401 Unauthorized responses from the MCP server.', ['TOKEN-08', 'TOKEN-05']],
  ['§4.2', 'SHOULD', 'If the scope parameter is absent, clients SHOULD apply the fallback behavior defined in the Scope Selection Strategy section.', SCOPES],
  ['§4.3', 'MUST', 'MCP clients MUST attempt multiple well-known endpoints when discovering authorization server metadata.', DISCOVERY],
  ['§4.3', 'MUST', 'For issuer URLs with path components …, clients MUST try endpoints in the following priority order', DISCOVERY],
  ['§4.3', 'MUST', 'For issuer URLs without path components …, clients MUST try: (RFC 8414 metadata, then OpenID Connect Discovery)', DISCOVERY, 'paraphrase'],
  ['§5', 'SHOULD', 'Clients supporting all options SHOULD follow the following priority order', DISCOVERY],
  ['§5.1', 'SHOULD', 'MCP clients and authorization servers SHOULD support OAuth Client ID Metadata Documents', DISCOVERY],
  ['§5.1.1', 'MUST', 'MCP implementations supporting Client ID Metadata Documents MUST follow the requirements specified in OAuth Client ID Metadata Document.', DISCOVERY],
  ['§5.1.1', 'MUST', 'Clients MUST host their metadata document at an HTTPS URL; the client_id URL MUST use https and contain a path; the document MUST include client_id, client_name, redirect_uris', DISCOVERY, 'paraphrase'],
  ['§5.1.1', 'MUST', 'Clients MUST ensure the client_id value in the metadata matches the document URL exactly', DISCOVERY],
  ['§5.1.1', 'MUST', '(Authorization servers) SHOULD fetch, MUST validate client_id and redirect URIs against the document, SHOULD cache, MUST validate the JSON', AS, 'paraphrase'],
  ['§5.1.4', 'SHOULD', 'MCP clients SHOULD check for this capability and MAY fall back to Dynamic Client Registration or pre-registration if unavailable.', DISCOVERY],
  ['§5.2', 'SHOULD', 'MCP clients SHOULD support an option for static client credentials such as those supplied by a preregistration flow.', PREREQUISITE],
  ['§6', 'SHOULD', 'MCP clients SHOULD follow the principle of least privilege by requesting only the scopes necessary for their intended operations.', SCOPES],
  ['§6', 'SHOULD', 'During the initial authorization handshake, MCP clients SHOULD follow this priority order for scope selection', SCOPES],
  ['§8', 'MUST', 'MCP clients MUST implement Resource Indicators for OAuth 2.0 as defined in RFC 8707', ['FLOW-05']],
  ['§8', 'MUST', 'The resource parameter: MUST be included in both authorization requests and token requests.', ['FLOW-05']],
  ['§8', 'MUST', 'The resource parameter: MUST identify the MCP server that the client intends to use the token with.', ['FLOW-05', 'TOKEN-01']],
  ['§8', 'MUST', 'The resource parameter: MUST use the canonical URI of the MCP server as defined in RFC 8707 Section 2.', ['FLOW-05']],
  ['§8.1', 'SHOULD', 'MCP clients SHOULD provide the most specific URI that they can for the MCP server they intend to access', ['FLOW-05']],
  ['§8.1', 'SHOULD', 'implementations SHOULD accept uppercase scheme and host components for robustness and interoperability.', out('robustness when comparing received values: the mock MCP server URL is lowercase; not tested')],
  ['§8.1', 'SHOULD', 'implementations SHOULD consistently use the form without the trailing slash … unless the trailing slash is semantically significant', out('not tested separately: the mock MCP server URL has a path, so no trailing-slash choice arises')],
  ['§8.1', 'MUST', 'MCP clients MUST send this parameter regardless of whether authorization servers support it.', ['FLOW-05']],
  ['§9.1', 'MUST', 'Access token handling when making requests to MCP servers MUST conform to the requirements defined in OAuth 2.1 Section 5 "Resource Requests".', ['TOKEN-01']],
  ['§9.1', 'MUST', 'MCP client MUST use the Authorization request header field defined in OAuth 2.1 Section 5.1.1', ['TOKEN-01']],
  ['§9.1', 'MUST', 'authorization MUST be included in every HTTP request from client to server, even if they are part of the same logical session.', ['TOKEN-01']],
  ['§9.1', 'MUST NOT', 'Access tokens MUST NOT be included in the URI query string', ['FLOW-12', 'TOKEN-22']],
  ['§9.2', 'MUST', 'MCP servers, acting in their role as an OAuth 2.1 resource server, MUST validate access tokens as described in OAuth 2.1 Section 5.2.', ['ENV-02']],
  ['§9.2', 'MUST', 'MCP servers MUST validate that access tokens were issued specifically for them as the intended audience, according to RFC 8707 Section 2.', ['ENV-02']],
  ['§9.2', 'MUST', 'If validation fails, servers MUST respond according to OAuth 2.1 Section 5.3 error handling requirements.', ['ENV-02']],
  ['§9.2', 'MUST', 'Invalid or expired tokens MUST receive a HTTP 401 response.', ['ENV-02', 'TOKEN-05', 'TOKEN-23']],
  ['§9.2', 'MUST NOT', "MCP clients MUST NOT send tokens to the MCP server other than ones issued by the MCP server's authorization server.", ['TOKEN-01', 'TOKEN-02', 'TOKEN-11']],
  ['§9.2', 'MUST', 'MCP servers MUST only accept tokens that are valid for use with their own resources.', ['ENV-02']],
  ['§9.2', 'MUST NOT', 'MCP servers MUST NOT accept or transit any other tokens.', ['TOKEN-02']],
  ['§10', 'MUST', 'Servers MUST return appropriate HTTP status codes for authorization errors (401 Unauthorized, 403 Forbidden, 400 Bad Request).', ['ENV-02', 'XSITE-08', 'TOKEN-08'], 'paraphrase'],
  ['§10.1.1', 'SHOULD', 'When a client makes a request with an access token with insufficient scope during runtime operations, the server SHOULD respond with: HTTP 403 Forbidden …', RS],
  ['§10.1.1', 'SHOULD', 'servers SHOULD include the scopes needed to satisfy the current request in the scope parameter.', RS],
  ['§10.1.1', 'SHOULD', 'Servers SHOULD be consistent in their scope inclusion strategy to provide predictable behavior for clients.', RS],
  ['§10.1.1', 'SHOULD', 'Servers SHOULD consider the user experience impact when determining which scopes to include in the response', RS],
  ['§10.1.2', 'SHOULD', 'Clients SHOULD respond to these errors by requesting a new access token with an increased set of scopes via a step-up authorization flow', ['TOKEN-12']],
  ['§10.1.2', 'SHOULD', 'Clients acting on behalf of a user SHOULD attempt the step-up authorization flow.', ['TOKEN-12']],
  ['§10.1.2', 'SHOULD', 'Clients SHOULD implement retry limits and SHOULD track scope upgrade attempts to avoid repeated failures', ['TOKEN-12', 'TOKEN-23']],
  ['§11', 'MUST', 'Implementations MUST follow OAuth 2.1 security best practices as laid out in OAuth 2.1 Section 7. "Security Considerations".', out('umbrella: traced through the specific OAuth 2.1 and RFC 9700 sentences below')],
  ['§11.1', 'MUST', 'MCP clients MUST include the resource parameter in authorization and token requests as specified in the Resource Parameter Implementation section', ['FLOW-05']],
  ['§11.1', 'MUST', 'MCP servers MUST validate that tokens presented to them were specifically issued for their use', ['ENV-02']],
  ['§11.2', 'MUST', 'Clients and servers MUST implement secure token storage and follow OAuth best practices, as outlined in OAuth 2.1, Section 7.1.', ['FLOW-12', 'TOKEN-02']],
  ['§11.2', 'SHOULD', 'Authorization servers SHOULD issue short-lived access tokens to reduce the impact of leaked tokens.', AS],
  ['§11.2', 'MUST', 'For public clients, authorization servers MUST rotate refresh tokens as described in OAuth 2.1 Section 4.3.1', ['TOKEN-06']],
  ['§11.3', 'MUST', 'Implementations MUST follow OAuth 2.1 Section 1.5 "Communication Security".', TLS],
  ['§11.3', 'MUST', 'All authorization server endpoints MUST be served over HTTPS.', TLS],
  ['§11.3', 'MUST', 'All redirect URIs MUST be either localhost or use HTTPS.', ['PROXY-01']],
  ['§11.4', 'MUST', 'MCP clients MUST implement PKCE according to OAuth 2.1 Section 7.5.2', ['FLOW-01', 'FLOW-02']],
  ['§11.4', 'MUST', 'and MUST verify PKCE support before proceeding with authorization.', ['FLOW-23']],
  ['§11.4', 'MUST', 'MCP clients MUST use the S256 code challenge method when technically capable', ['FLOW-01', 'FLOW-02']],
  ['§11.4', 'MUST', 'MCP clients MUST rely on authorization server metadata to verify this capability', ['FLOW-23']],
  ['§11.4', 'MUST', 'If code_challenge_methods_supported is absent, the authorization server does not support PKCE and MCP clients MUST refuse to proceed.', ['FLOW-23']],
  ['§11.4', 'MUST', 'MCP clients MUST verify the presence of code_challenge_methods_supported in the provider metadata response. If the field is absent, MCP clients MUST refuse to proceed.', ['FLOW-23']],
  ['§11.4', 'MUST', 'Authorization servers providing OpenID Connect Discovery 1.0 MUST include code_challenge_methods_supported in their metadata', AS],
  ['§11.5', 'MUST', 'MCP clients MUST have redirect URIs registered with the authorization server.', ['FLOW-04']],
  ['§11.5', 'MUST', 'Authorization servers MUST validate exact redirect URIs against pre-registered values to prevent redirection attacks.', ['ENV-02']],
  ['§11.5', 'SHOULD', 'MCP clients SHOULD use and verify state parameters in the authorization code flow and discard any results that do not include or have a mismatch with the original state.', ['FLOW-06', 'FLOW-03']],
  ['§11.5', 'MUST', "Authorization servers MUST take precautions to prevent redirecting user agents to untrusted URI's", AS],
  ['§11.5', 'SHOULD', 'Authorization servers SHOULD only automatically redirect the user agent if it trusts the redirection URI.', AS],
  ['§11.6', 'MUST', 'When implementing Client ID Metadata Documents, authorization servers MUST consider the security implications', AS],
  ['§11.6.1', 'SHOULD', 'Authorization servers fetching metadata documents SHOULD consider Server-Side Request Forgery (SSRF) risks', AS],
  ['§11.6.2', 'SHOULD', 'Authorization servers: SHOULD display additional warnings for localhost-only redirect URIs', AS],
  ['§11.6.2', 'MUST', 'Authorization servers: MUST clearly display the redirect URI hostname during authorization', AS],
  ['§11.7', 'MUST', 'MCP proxy servers using static client IDs MUST obtain user consent for each dynamically registered client before forwarding to third-party authorization servers', AS_ONLY_FOR_MCP_CLIENTS],
  ['§11.8', 'MUST', 'MCP servers MUST validate access tokens before processing the request, ensuring the access token is issued specifically for the MCP server', ['ENV-02']],
  ['§11.8', 'MUST', 'A MCP server MUST follow the guidelines in OAuth 2.1 - Section 5.2 to validate inbound tokens.', ['ENV-02']],
  ['§11.8', 'MUST', 'MCP servers MUST only accept tokens specifically intended for themselves and MUST reject tokens that do not include them in the audience claim', ['ENV-02']],
  ['§11.8', 'MUST NOT', 'The MCP server MUST NOT pass through the token it received from the MCP client.', ['TOKEN-02']],
  ['§11.8', 'MUST', 'MCP clients MUST implement and use the resource parameter as defined in RFC 8707 … to explicitly specify the target resource', ['FLOW-05']],
]);

const MCP_SBP_SENTENCES = sentencesOf(MCP_SECURITY_BEST_PRACTICES, [
  ['§2.1.5', 'MUST', 'To prevent confused deputy attacks, MCP proxy servers MUST implement per-client consent and proper security controls as detailed below.', ['TOKEN-03']],
  ['§2.1.5', 'MUST', 'MCP proxy servers MUST: Maintain a registry of approved client_id values per user', AS_ONLY_FOR_MCP_CLIENTS],
  ['§2.1.5', 'MUST', 'MCP proxy servers MUST: Check this registry before initiating the third-party authorization flow', AS_ONLY_FOR_MCP_CLIENTS],
  ['§2.1.5', 'MUST', 'MCP proxy servers MUST: Store consent decisions securely (server-side database, or server specific cookies)', AS_ONLY_FOR_MCP_CLIENTS],
  ['§2.1.5', 'MUST', 'The MCP-level consent page MUST: Clearly identify the requesting MCP client by name', AS_ONLY_FOR_MCP_CLIENTS],
  ['§2.1.5', 'MUST', 'The MCP-level consent page MUST: Display the specific third-party API scopes being requested', AS_ONLY_FOR_MCP_CLIENTS],
  ['§2.1.5', 'MUST', 'The MCP-level consent page MUST: Show the registered redirect_uri where tokens will be sent', AS_ONLY_FOR_MCP_CLIENTS],
  ['§2.1.5', 'MUST', 'The MCP-level consent page MUST: Implement CSRF protection (e.g., state parameter, CSRF tokens)', ['XSITE-12', 'XSITE-01']],
  ['§2.1.5', 'MUST', 'The MCP-level consent page MUST: Prevent iframing via frame-ancestors CSP directive or X-Frame-Options: DENY to prevent clickjacking', ['XSITE-03']],
  ['§2.1.5', 'MUST', 'If using cookies to track consent decisions, they MUST: Use __Host- prefix for cookie names', GAP('__Host- prefix for the session cookie (needs https; SESSION-07 asks SameSite, Secure on https and Path)')],
  ['§2.1.5', 'MUST', 'If using cookies to track consent decisions, they MUST: Set Secure, HttpOnly, and SameSite=Lax attributes', ['SESSION-07', 'SESSION-08']],
  ['§2.1.5', 'MUST', 'If using cookies to track consent decisions, they MUST: Be cryptographically signed or use server-side sessions', out('not observable from the browser: how the gateway protects its session state; XSITE-10 covers forged anti-CSRF tokens')],
  ['§2.1.5', 'MUST', 'If using cookies to track consent decisions, they MUST: Bind to the specific client_id (not just "user has consented")', AS_ONLY_FOR_MCP_CLIENTS],
  ['§2.1.5', 'MUST', 'The MCP proxy server MUST: Validate that the redirect_uri in authorization requests exactly matches the registered URI', AS_ONLY_FOR_MCP_CLIENTS],
  ['§2.1.5', 'MUST', 'The MCP proxy server MUST: Reject requests if the redirect_uri has changed without re-registration', AS_ONLY_FOR_MCP_CLIENTS],
  ['§2.1.5', 'MUST', 'The MCP proxy server MUST: Use exact string matching (not pattern matching or wildcards)', ['FLOW-04', 'ENV-02']],
  ['§2.1.5', 'MUST', 'MCP proxy servers implementing OAuth flows MUST: Generate a cryptographically secure random state value for each authorization request', ['FLOW-03']],
  ['§2.1.5', 'MUST', 'MUST: Store the state value server-side (in a secure session store or encrypted cookie) only after consent has been explicitly approved', out('ordering against an MCP-level consent page, which this flow (an admin pressing Authorize) does not have')],
  ['§2.1.5', 'MUST', 'MUST: Set the state tracking cookie/session immediately before redirecting to the third-party identity provider (not before consent approval)', out('ordering against an MCP-level consent page, which this flow (an admin pressing Authorize) does not have')],
  ['§2.1.5', 'MUST', "MUST: Validate at the callback endpoint that the state query parameter exactly matches the stored value in the callback request's cookies or … cookie-based session", ['FLOW-06', 'FLOW-08']],
  ['§2.1.5', 'MUST', 'MUST: Reject any callback requests where the state parameter is missing or does not match', ['FLOW-06']],
  ['§2.1.5', 'MUST', 'MUST: Ensure state values are single-use (delete after validation) and have a short expiration time (e.g., 10 minutes)', ['FLOW-07', 'FLOW-18']],
  ['§2.1.5', 'MUST NOT', 'The consent cookie or session containing the state value MUST NOT be set until after the user has approved the consent screen', AS_ONLY_FOR_MCP_CLIENTS],
  ['§2.2.2', 'MUST NOT', 'MCP servers MUST NOT accept any tokens that were not explicitly issued for the MCP server.', ['TOKEN-02', 'ENV-02']],
  ['§2.3.4', 'MUST', 'MCP servers that implement authorization MUST verify all inbound requests.', MCP_SESSIONS],
  ['§2.3.4', 'MUST NOT', 'MCP Servers MUST NOT use sessions for authentication.', MCP_SESSIONS],
  ['§2.3.4', 'MUST', 'MCP servers MUST use secure, non-deterministic session IDs.', MCP_SESSIONS],
  ['§2.3.4', 'SHOULD', 'Generated session IDs (e.g., UUIDs) SHOULD use secure random number generators.', MCP_SESSIONS],
  ['§2.3.4', 'SHOULD', 'MCP servers SHOULD bind session IDs to user-specific information.', MCP_SESSIONS],
  ['§2.4.3', 'MUST', 'If an MCP client supports one-click local MCP server configuration, it MUST implement proper consent mechanisms prior to executing commands.', LOCAL],
  ['§2.4.3', 'MUST', 'The MCP client MUST: show the exact command, flag it as dangerous, require explicit approval, allow cancelling', LOCAL, 'paraphrase'],
  ['§2.4.3', 'SHOULD', 'The MCP client SHOULD implement additional checks and guardrails to mitigate potential code execution attack vectors', LOCAL],
  ['§2.4.3', 'SHOULD', 'MCP servers intending for their servers to be run locally SHOULD implement measures to prevent unauthorized usage from malicious processes', LOCAL],
  ['SSRF, Mitigation (added after release)', 'MUST', 'MCP clients deployed to a server MUST consider SSRF risks and implement appropriate mitigations when fetching OAuth-related URLs.', DISCOVERY],
  ['SSRF, Mitigation (added after release)', 'SHOULD', 'MCP clients SHOULD require HTTPS for all OAuth-related URLs, block private IP ranges and validate redirect targets', DISCOVERY, 'paraphrase'],
  ['OAuth Authorization URL Validation (added after release)', 'MUST', 'MCP clients MUST validate authorization URLs and reject dangerous schemes (only http(s); javascript:, data:, file: rejected)', ['FLOW-23'], 'paraphrase'],
  ['OAuth Authorization URL Validation (added after release)', 'SHOULD', 'Web-based MCP clients SHOULD implement Content Security Policy headers to prevent JavaScript execution', out('no CSP is required; UI-01 only requires that the page’s own CSP does not break it')],
]);

const RFC6749_SENTENCES = sentencesOf(RFC6749, [
  ['§2.3.1', 'MUST NOT', 'The parameters can only be transmitted in the request-body and MUST NOT be included in the request URI.', ['TOKEN-24']],
  ['§4.1.1', 'RECOMMENDED', 'state RECOMMENDED. An opaque value used by the client to maintain state between the request and callback.', ['FLOW-03', 'FLOW-06']],
  ['§4.1.2', 'MUST', 'The authorization code MUST expire shortly after it is issued to mitigate the risk of leaks.', AS_MOCK_NOT_PROVED],
  ['§4.1.2', 'RECOMMENDED', 'A maximum authorization code lifetime of 10 minutes is RECOMMENDED.', AS_MOCK_NOT_PROVED],
  ['§4.1.2', 'MUST NOT', 'The client MUST NOT use the authorization code more than once.', ['FLOW-07', 'FLOW-09']],
  ['§4.1.2', 'MUST', 'If an authorization code is used more than once, the authorization server MUST deny the request and SHOULD revoke (when possible) all tokens previously issued', ['ENV-02']],
  ['§4.1.2', 'MUST', 'The client MUST ignore unrecognized response parameters.', out('not tested: no spec adds unknown parameters to the authorization response')],
  ['§4.1.2.1', 'MUST NOT', 'the authorization server SHOULD inform the resource owner of the error and MUST NOT automatically redirect the user-agent to the invalid redirection URI.', AS],
  ['§4.1.2.1', 'REQUIRED', 'error REQUIRED. A single ASCII error code from the following: … access_denied …', ['FLOW-10']],
  ['§4.1.3', 'REQUIRED', 'redirect_uri REQUIRED, if the "redirect_uri" parameter was included in the authorization request …, and their values MUST be identical.', ['FLOW-04']],
  ['§4.1.3', 'MUST', 'If the client type is confidential or the client was issued client credentials …, the client MUST authenticate with the authorization server', PREREQUISITE],
  ['§4.1.3', 'MUST', 'The authorization server MUST: … ensure that the "redirect_uri" parameter is present if … included in the initial authorization request, and if included ensure that their values are identical.', ['ENV-02']],
  ['§4.1.3', 'MUST', 'The authorization server MUST: require client authentication for confidential clients …; verify that the authorization code is valid', AS, 'paraphrase'],
  ['§5.1', 'RECOMMENDED', 'expires_in RECOMMENDED. The lifetime in seconds of the access token.', ['FLOW-18', 'TOKEN-05', 'TOKEN-23']],
  ['§5.1', 'MUST', 'The authorization server MUST include the HTTP "Cache-Control" response header field with a value of "no-store" in any response containing tokens', AS],
  ['§5.1', 'REQUIRED', 'access_token REQUIRED. The access token issued by the authorization server.', ['FLOW-21']],
  ['§5.1', 'MUST', 'The client MUST ignore unrecognized value names in the response.', out('not tested: the mock IdP sends no unknown token response members')],
  ['§5.2', 'REQUIRED', 'error REQUIRED … invalid_grant: The provided authorization grant … or refresh token is invalid, expired, revoked, … or was issued to another client.', ['TOKEN-07', 'FLOW-21']],
  ['§6', 'MUST', 'If the client type is confidential or the client was issued client credentials …, the client MUST authenticate with the authorization server', PREREQUISITE],
  ['§6', 'MUST', 'The authorization server MAY issue a new refresh token, in which case the client MUST discard the old refresh token and replace it with the new refresh token.', ['TOKEN-06']],
  ['§6', 'MUST', 'If a new refresh token is issued, the refresh token scope MUST be identical to that of the refresh token included by the client in the request.', AS],
  ['§6', 'MUST', 'The authorization server MUST: require client authentication for confidential clients …; validate the refresh token.', AS, 'paraphrase'],
  ['§10.3', 'MUST', 'Access token credentials … MUST be kept confidential in transit and storage, and only shared among the authorization server, the resource servers … and the client', ['FLOW-12', 'TOKEN-02', 'TOKEN-15', 'TOKEN-17', 'TOKEN-18', 'TOKEN-25']],
  ['§10.3', 'MUST', 'Access token credentials MUST only be transmitted using TLS as described in Section 1.6 with server authentication', ['TOKEN-28']],
  ['§10.3', 'MUST', 'The authorization server MUST ensure that access tokens cannot be generated, modified, or guessed to produce valid access tokens by unauthorized parties.', AS],
  ['§10.3', 'SHOULD', 'The client SHOULD request access tokens with the minimal scope necessary.', SCOPES],
  ['§10.4', 'MUST', 'Refresh tokens MUST be kept confidential in transit and storage, and shared only among the authorization server and the client to whom the refresh tokens were issued.', ['FLOW-12', 'TOKEN-15', 'TOKEN-17', 'TOKEN-21', 'TOKEN-27']],
  ['§10.5', 'SHOULD', 'The transmission of authorization codes SHOULD be made over a secure channel, and the client SHOULD require the use of TLS with its redirection URI', TLS],
  ['§10.5', 'MUST', 'Authorization codes MUST be short lived and single-use.', ['ENV-02']],
  ['§10.5', 'SHOULD', 'If the authorization server observes multiple attempts to exchange an authorization code …, the authorization server SHOULD attempt to revoke all access tokens already granted', AS],
  ['§10.5', 'MUST', 'If the client can be authenticated, the authorization servers MUST authenticate the client and ensure that the authorization code was issued to the same client.', AS],
  ['§10.6', 'MUST', 'the authorization server MUST ensure that the redirection URI used to obtain the authorization code is identical to the redirection URI provided when exchanging', ['ENV-02', 'FLOW-04']],
  ['§10.6', 'MUST', 'The authorization server MUST require public clients and SHOULD require confidential clients to register their redirection URIs.', AS],
  ['§10.6', 'MUST', 'If a redirection URI is provided in the request, the authorization server MUST validate it against the registered value.', AS_MOCK_NOT_PROVED],
  ['§10.10', 'MUST', 'The authorization server MUST prevent attackers from guessing access tokens, authorization codes, refresh tokens, resource owner passwords, and client credentials.', AS],
  ['§10.10', 'MUST', 'The probability of an attacker guessing generated tokens … MUST be less than or equal to 2^(-128) and SHOULD be less than or equal to 2^(-160).', ['FLOW-03']],
  ['§10.12', 'MUST', 'The client MUST implement CSRF protection for its redirection URI.', ['FLOW-06', 'FLOW-08']],
  ['§10.12', 'SHOULD', 'The client SHOULD utilize the "state" request parameter to deliver this value to the authorization server when making an authorization request.', ['FLOW-03', 'FLOW-06']],
  ['§10.12', 'MUST', 'The binding value used for CSRF protection MUST contain a non-guessable value (as described in Section 10.10)', ['FLOW-03']],
  ['§10.12', 'MUST', "the user-agent's authenticated state (e.g., session cookie, HTML5 local storage) MUST be kept in a location accessible only to the client and the user-agent", ['SESSION-08', 'FLOW-08']],
  ['§10.12', 'MUST', 'The authorization server MUST implement CSRF protection for its authorization endpoint', AS],
  ['§10.13', 'SHOULD', 'native applications SHOULD use external browsers instead of embedding browsers within the application when requesting end-user authorization.', out('native applications, out of scope (the gateway is a web application); XSITE-03 traces anti-framing')],
  ['§10.14', 'MUST', 'The authorization server and client MUST sanitize (and validate when possible) any value received -- in particular, the value of the "state" and "redirect_uri" parameters.', ['UI-02']],
]);

const RFC6750_SENTENCES = sentencesOf(RFC6750, [
  ['§2.1', 'SHOULD', 'Clients SHOULD make authenticated requests with a bearer token using the "Authorization" request header field with the "Bearer" HTTP authorization scheme.', ['TOKEN-01']],
  ['§2.1', 'MUST', 'Resource servers MUST support this method.', ['ENV-02']],
  ['§2.3', 'SHOULD NOT', 'it SHOULD NOT be used unless it is impossible to transport the access token in the "Authorization" request header field or the HTTP request entity-body.', ['TOKEN-22', 'FLOW-12']],
  ['§3', 'MUST', 'the resource server MUST include the HTTP "WWW-Authenticate" response header field', ['ENV-02']],
  ['§3', 'MUST', 'All challenges defined by this specification MUST use the auth-scheme value "Bearer".', ['ENV-02']],
  ['§3.1', 'SHOULD', 'invalid_token … The resource SHOULD respond with the HTTP 401 (Unauthorized) status code.', ['XSITE-08', 'ENV-02']],
  ['§3.1', 'SHOULD NOT', 'If the request lacks any authentication information …, the resource server SHOULD NOT include an error code or other error information.', RS],
  ['§3.1', 'SHOULD', 'insufficient_scope … The resource server SHOULD respond with the HTTP 403 (Forbidden) status code and MAY include the "scope" attribute with the scope necessary to access the protected resource.', RS],
  ['§5.3', 'MUST', 'Safeguard bearer tokens: Client implementations MUST ensure that bearer tokens are not leaked to unintended parties', ['FLOW-12', 'TOKEN-02']],
  ['§5.3', 'MUST', 'Validate TLS certificate chains: The client MUST validate the TLS certificate chain when making requests to protected resources.', ['TOKEN-28']],
  ['§5.3', 'MUST', 'Always use TLS (https): Clients MUST always use TLS [RFC5246] (https) or equivalent transport security when making requests with bearer tokens.', TLS],
  ['§5.3', 'MUST NOT', 'Implementations MUST NOT store bearer tokens within cookies that can be sent in the clear (which is the default transmission mode for cookies).', ['SESSION-07']],
  ['§5.3', 'MUST', 'Implementations that do store bearer tokens in cookies MUST take precautions against cross-site request forgery.', ['XSITE-01', 'XSITE-02', 'XSITE-04', 'XSITE-05', 'XSITE-06', 'XSITE-07', 'XSITE-10', 'XSITE-11', 'XSITE-12']],
  ['§5.3', 'SHOULD', 'Issue short-lived bearer tokens: Token servers SHOULD issue short-lived (one hour or less) bearer tokens', AS],
  ['§5.3', 'SHOULD', 'Issue scoped bearer tokens: Token servers SHOULD issue bearer tokens that contain an audience restriction', AS],
  ['§5.3', 'SHOULD NOT', "Don't pass bearer tokens in page URLs: Bearer tokens SHOULD NOT be passed in page URLs (for example, as query string parameters).", ['FLOW-12', 'TOKEN-22']],
]);

const RFC7636_SENTENCES = sentencesOf(RFC7636, [
  ['§4.1', 'SHOULD', 'NOTE: The code verifier SHOULD have enough entropy to make it impractical to guess the value.', ['FLOW-02']],
  ['§4.1', 'RECOMMENDED', 'It is RECOMMENDED that the output of a suitable random number generator be used to create a 32-octet sequence.', ['FLOW-02']],
  ['§4.2', 'MUST', 'If the client is capable of using "S256", it MUST use "S256", as "S256" is Mandatory To Implement (MTI) on the server.', ['FLOW-01', 'FLOW-02']],
  ['§4.3', 'REQUIRED', 'code_challenge REQUIRED. Code challenge.', ['FLOW-01']],
  ['§4.4', 'MUST', 'it MUST associate the "code_challenge" and "code_challenge_method" values with the authorization code so it can be verified later.', ['ENV-02']],
  ['§4.4.1', 'MUST', 'the authorization endpoint MUST return the authorization error response with the "error" value set to "invalid_request".', AS_MOCK_NOT_PROVED],
  ['§4.5', 'REQUIRED', 'code_verifier REQUIRED. Code verifier', ['FLOW-01']],
  ['§4.6', 'MUST', 'If the values are equal, the token endpoint MUST continue processing as normal', ['ENV-02']],
  ['§4.6', 'MUST', 'If the values are not equal, an error response indicating "invalid_grant" as described in Section 5.2 of [RFC6749] MUST be returned.', ['ENV-02']],
  ['§7.2', 'MUST NOT', 'Clients MUST NOT downgrade to "plain" after trying the "S256" method.', ['FLOW-02']],
]);

const RFC8707_SENTENCES = sentencesOf(RFC8707, [
  ['§2', 'MUST', 'Its value MUST be an absolute URI, as specified by Section 4.3 of [RFC3986].', ['FLOW-05']],
  ['§2', 'MUST NOT', 'The URI MUST NOT include a fragment component.', ['FLOW-05']],
  ['§2', 'SHOULD NOT', 'It SHOULD NOT include a query component, but it is recognized that there are cases that make a query component a useful and necessary part', ['FLOW-05']],
  ['§2', 'SHOULD', 'the client SHOULD provide the most specific URI that it can for the complete API or set of resources it intends to access.', ['FLOW-05'], 'paraphrase'],
]);

const RFC9207_SENTENCES = sentencesOf(RFC9207, [
  ['§2', 'MUST', 'Authorization servers supporting this specification MUST provide their issuer identifier to clients by adding a parameter named iss to the authorization response.', AS, 'paraphrase'],
  ['§2.4', 'MUST', 'Clients that support this specification MUST extract the value of the iss parameter from authorization responses they receive if the parameter is present.', ['FLOW-22']],
  ['§2.4', 'MUST', 'This comparison MUST use simple string comparison as defined in Section 6.2.1 of [RFC3986].', ['FLOW-22']],
  ['§2.4', 'MUST', 'If the value does not match the expected issuer identifier, clients MUST reject the authorization response and MUST NOT proceed with the authorization grant.', ['FLOW-22']],
  ['§2.4', 'MUST', 'clients MUST reject authorization responses without the iss parameter from authorization servers that do support the parameter', GAP('refusing a response without iss from an IdP that advertises it'), 'paraphrase'],
  ['§2.4', 'MUST NOT', 'For error responses, clients MUST NOT assume that the error originates from the intended authorization server.', GAP('attributing IdP errors to the right authorization server')],
]);

const RFC9700_SENTENCES = sentencesOf(RFC9700, [
  ['§2.1', 'MUST', 'authorization servers MUST utilize exact string matching except for port numbers in localhost redirection URIs of native apps', ['ENV-02', 'FLOW-04', 'PROXY-01']],
  ['§2.1', 'MUST NOT', 'Clients and authorization servers MUST NOT expose URLs that forward the user\'s browser to arbitrary URIs obtained from a query parameter (open redirectors)', ['FLOW-17', 'SESSION-13']],
  ['§2.1', 'MUST', 'Clients MUST prevent Cross-Site Request Forgery (CSRF).', ['FLOW-06', 'FLOW-08']],
  ['§2.1', 'MUST', 'one-time use CSRF tokens carried in the state parameter that are securely bound to the user agent MUST be used for CSRF protection', ['FLOW-06', 'FLOW-07', 'FLOW-08']],
  ['§2.1', 'REQUIRED', 'When an OAuth client can interact with more than one authorization server, a defense against mix-up attacks (see Section 4.4) is REQUIRED.', ['FLOW-22']],
  ['§2.1', 'SHOULD', 'To this end, clients SHOULD use the issuer identification as described in [RFC9207]', ['FLOW-22'], 'paraphrase'],
  ['§2.1.1', 'MUST', 'Authorization servers MUST support PKCE [RFC7636].', ['ENV-02']],
  ['§2.1.1', 'MUST', 'If a client sends a valid PKCE code_challenge parameter …, the authorization server MUST enforce the correct usage of code_verifier at the token endpoint.', ['ENV-02']],
  ['§2.1.1', 'MUST', 'Authorization servers MUST mitigate PKCE Downgrade Attacks by ensuring that a token request containing a code_verifier parameter is accepted only if a code_challenge … was present', AS_MOCK_NOT_PROVED],
  ['§2.1.1', 'MUST', 'Authorization servers MUST provide a way to detect their support for PKCE.', AS],
  ['§2.1.1', 'MUST', 'Clients MUST prevent authorization code injection attacks (see Section 4.5) and misuse of authorization codes using one of the following options', ['FLOW-01']],
  ['§2.1.1', 'MUST', 'Public clients MUST use PKCE [RFC7636] to this end, as motivated in Section 4.5.3.1.', out('public clients: the gateway is a confidential client (FLOW-01 requires PKCE of it anyway)')],
  ['§2.1.1', 'RECOMMENDED', 'For confidential clients, the use of PKCE [RFC7636] is RECOMMENDED', ['FLOW-01']],
  ['§2.1.1', 'MUST', 'the PKCE challenge or OpenID Connect nonce MUST be transaction-specific and securely bound to the client and the user agent in which the transaction was started.', ['FLOW-02', 'FLOW-19']],
  ['§2.1.1', 'SHOULD', 'When using PKCE, clients SHOULD use PKCE code challenge methods that do not expose the PKCE verifier in the authorization request.', ['FLOW-01', 'FLOW-02']],
  ['§2.1.2', 'SHOULD NOT', 'clients SHOULD NOT use the implicit grant (response type "token") or other response types issuing access tokens in the authorization response', ['FLOW-12']],
  ['§2.2.1', 'SHOULD', 'Authorization and resource servers SHOULD use mechanisms for sender-constraining access tokens', AS],
  ['§2.2.2', 'MUST', 'Refresh tokens for public clients MUST be sender-constrained or use refresh token rotation', ['TOKEN-06']],
  ['§2.3', 'SHOULD', 'The privileges associated with an access token SHOULD be restricted to the minimum required for the particular application or use case.', SCOPES],
  ['§2.3', 'SHOULD', 'access tokens SHOULD be audience-restricted to a specific resource server, or, if that is not feasible, to a small set of resource servers.', ['TOKEN-01', 'FLOW-05', 'TOKEN-11', 'TOKEN-25']],
  ['§2.3', 'MUST', 'If it was not, the resource server MUST refuse to serve the respective request.', ['ENV-02']],
  ['§2.3', 'SHOULD', 'Additionally, access tokens SHOULD be restricted to certain resources and actions on resource servers or resources.', SCOPES],
  ['§2.4', 'MUST NOT', 'The resource owner password credentials grant [RFC6749] MUST NOT be used.', out('the flow under test is the authorization code grant; a gateway using this grant has no browser flow to test')],
  ['§2.5', 'SHOULD', 'Authorization servers SHOULD enforce client authentication if it is feasible', AS],
  ['§2.6', 'MUST NOT', 'Authorization responses MUST NOT be transmitted over unencrypted network connections.', TLS],
  ['§2.6', 'MUST', 'both the initiator and receiver of the in-browser message MUST be strictly verified as described in Section 4.17.', GAP('postMessage-based authorization responses (FLOW-12 checks only that no token is in a payload)')],
  ['§4.2.4', 'SHOULD NOT', 'The page rendered as a result of the OAuth authorization response and the authorization endpoint SHOULD NOT include third-party resources or links to external sites.', ['FLOW-25']],
  ['§4.2.4', 'SHOULD', 'Authorization codes SHOULD be invalidated by the AS after their first use at the token endpoint.', ['ENV-02']],
  ['§4.2.4', 'SHOULD', 'The state value SHOULD be invalidated by the client after its first use at the redirection endpoint.', ['FLOW-07']],
  ['§4.3.2', 'MUST NOT', 'Clients MUST NOT pass access tokens in a URI query parameter in the way described in Section 2.3 of [RFC6750].', ['FLOW-12', 'TOKEN-22']],
  ['§4.7.1', 'MUST', 'state used as CSRF token MUST be one-time use and securely bound to the user agent (the client checks it at the redirection endpoint)', ['FLOW-06', 'FLOW-07', 'FLOW-08', 'FLOW-18'], 'paraphrase'],
  ['§4.11.1', 'MUST NOT', 'Clients MUST NOT expose open redirectors.', ['FLOW-17', 'SESSION-13']],
  ['§4.11.2', 'MUST', 'authorization servers MUST take precautions against being used as open redirectors (only redirect to validated, registered URIs)', AS, 'paraphrase'],
  ['§4.12', 'MUST NOT', 'an AS which redirects a request that potentially contains user credentials MUST NOT use the HTTP 307 status code for redirection (the user agent would send the credentials on in the POST body)', AS, 'paraphrase'],
  ['§4.14.2', 'MUST', 'Authorization servers MUST utilize one of these methods to detect refresh token replay by malicious actors for public clients', ['TOKEN-06']],
  ['§4.14.2', 'SHOULD', 'Refresh tokens SHOULD expire if the client has been inactive for some time', AS],
  ['§4.16', 'MUST', 'Authorization servers MUST prevent clickjacking attacks.', ['XSITE-03']],
  ['§4.16', 'SHOULD', 'authorization servers SHOULD also use Content Security Policy (CSP) level 2 [W3C.CSP-2] or greater.', ['XSITE-03']],
]);

const OAUTH21_SENTENCES = sentencesOf(OAUTH21, [
  ['§1.5', 'MUST', 'OAuth URLs MUST use the https scheme except for loopback interface redirect URIs, which MAY use the http scheme.', TLS, 'paraphrase'],
  ['§4.1.1', 'MUST', 'Clients MUST use code_challenge and code_verifier and authorization server MUST enforce their use except under the conditions described in Section 7.5.1.', ['FLOW-01', 'ENV-02']],
  ['§4.1.1', 'MUST', 'the client creates a new code_verifier for each authorization request (code challenge method S256 unless it cannot be supported)', ['FLOW-02'], 'paraphrase'],
  ['§4.1.1', 'SHOULD NOT', 'The client SHOULD NOT include sensitive client or resource owner information in plain text in the state parameter', ['FLOW-03'], 'paraphrase'],
  ['§4.3.1', 'MUST', 'Authorization servers MUST utilize one of these methods to detect refresh token replay by malicious actors for public clients (sender-constraining or rotation)', ['TOKEN-06'], 'paraphrase'],
  ['§4.3.1', 'MUST', 'If a new refresh token is issued, the refresh token scope MUST be identical to that of the refresh token included by the client in the request.', AS, 'paraphrase'],
  ['§7.5.2', 'MUST', 'If a transaction leads to an error, fresh values for code_challenge or nonce MUST be chosen.', ['FLOW-02'], 'paraphrase'],
]);

const RFC7591_SENTENCES = sentencesOf(RFC7591, [
  ['§2', 'MUST', 'As required by Section 2 of OAuth 2.0 [RFC6749], clients using flows with redirection MUST register their redirection URI values.', ['FLOW-23']],
]);

const RFC8414_SENTENCES = sentencesOf(RFC8414, [
  ['§3.3', 'MUST', 'The "issuer" value returned MUST be identical to the authorization server\'s issuer identifier value into which the well-known URI string was inserted to create the URL used to retrieve the metadata.', AS],
  ['§3.3', 'MUST NOT', 'If these values are not identical, the data contained in the response MUST NOT be used.', ['FLOW-23']],
]);

const RFC9728_SENTENCES = sentencesOf(RFC9728, [
  ['§2', 'REQUIRED', "resource REQUIRED. The protected resource's resource identifier", RS],
  ['§3.3', 'MUST', 'The resource value returned MUST be identical to the protected resource\'s resource identifier value into which the well-known URI path suffix was inserted', RS],
  ['§3.3', 'MUST NOT', 'If these values are not identical, the data contained in the response MUST NOT be used.', ['FLOW-23']],
  ['§5.1', 'MUST', 'a resource server returning a WWW-Authenticate challenge MAY include resource_metadata; clients MUST validate metadata retrieved through it as in §3.3', ['FLOW-23'], 'paraphrase'],
  ['§7.7', 'SHOULD', 'clients SHOULD take SSRF precautions when fetching URLs from protected resource metadata (e.g., not fetching internal addresses)', DISCOVERY, 'paraphrase'],
]);

const FETCH_METADATA_SENTENCES = sentencesOf(FETCH_METADATA, [
  ['§2.3', 'MUST', 'The user agent sets Sec-Fetch-Site to "same-origin", "same-site", "cross-site" or "none" from the request initiator\'s relation to the target (algorithm step)', ['ENV-01'], 'paraphrase'],
  ['§3', 'MUST', 'The Sec-Fetch-* headers are appended only to requests to potentially trustworthy URLs (algorithm step: "if r\'s url is not a potentially trustworthy URL, return")', ['ENV-01', 'XSITE-14'], 'paraphrase'],
  ['§2', 'MUST', 'Sec-Fetch-* are forbidden request headers: page script cannot set or change them, so a server may rely on them for cross-site request decisions', ['XSITE-01', 'ENV-01'], 'paraphrase'],
  ['§5.1', 'SHOULD', 'a server whose response depends on Fetch Metadata should send an appropriate Vary header so caches handle it correctly', out('caching: the gateway\'s cookie-authenticated answers are not cached in this flow; not tested'), 'paraphrase'],
]);

const RFC9068_SENTENCES = sentencesOf(RFC9068, [
  ['§2.1', 'MUST', 'JWT access tokens MUST include "typ" at+jwt in the header and MUST be signed; the authorization server MUST support RS256', AS, 'paraphrase'],
  ['§2.2', 'REQUIRED', 'The claims iss, exp, aud, sub, client_id, iat and jti are REQUIRED in a JWT access token', AS, 'paraphrase'],
  ['§3', 'SHOULD', 'If the request includes a resource parameter (RFC 8707), the resulting JWT access token aud claim SHOULD have the same value', AS, 'paraphrase'],
  ['§4', 'MUST', 'Resource servers MUST validate the typ, iss, aud, signature, exp and scope of a JWT access token, and reject it when any check fails', RS, 'paraphrase'],
  ['§5', 'MUST', 'Authorization servers MUST prevent the confusion of JWT access tokens with ID tokens (the typ header) and SHOULD use distinct keys or aud values', AS, 'paraphrase'],
  ['§6', 'MUST NOT', 'The client MUST NOT inspect the content of the access token: the authorization server and the resource server might decide to change the token format at any time', ['TOKEN-20'], 'paraphrase'],
]);

const WHATWG_FETCH_SENTENCES = sentencesOf(WHATWG_FETCH, [
  ['CORS check', 'MUST', 'With credentials mode "include", the CORS check fails unless Access-Control-Allow-Origin equals the request origin (not *) and Access-Control-Allow-Credentials is "true"', ['XSITE-07'], 'paraphrase'],
  ['CORS-preflight fetch', 'MUST', 'A cross-origin request with a non-safelisted method or header is preceded by an OPTIONS preflight, and is not sent if the preflight is not approved', ['ENV-03', 'XSITE-07'], 'paraphrase'],
  ['append a request Origin header', 'MUST', 'For a request whose referrer policy is "no-referrer", the Origin header is serialized as "null" (algorithm step)', ['XSITE-04'], 'paraphrase'],
  ['HTTP-redirect fetch', 'MUST', "If request's current URL's origin is not same origin with locationURL's origin, the CORS non-wildcard request-header names (Authorization) are deleted from request's header list (algorithm step)", ['TOKEN-18'], 'paraphrase'],
]);

// Streamable HTTP mechanics an MCP client library handles for the gateway: the mock MCP server (the SDK's transport)
// refuses a request that breaks them, so every Fetch Tools spec fails on such a gateway; no requirement of their own.
const TRANSPORT_MECHANICS = out('Streamable HTTP mechanics of the MCP client library: the mock MCP server refuses a request that breaks them, so every Fetch Tools spec fails; not a requirement of its own');

const MCP_TRANSPORTS_SENTENCES = sentencesOf(MCP_TRANSPORTS, [
  ['stdio', 'MUST', 'stdio: the server MUST NOT write anything to its stdout that is not a valid MCP message; the client MUST NOT write anything to the server\'s stdin that is not a valid MCP message', LOCAL, 'paraphrase'],
  ['Security Warning', 'MUST', 'Servers MUST validate the Origin header on all incoming connections to prevent DNS rebinding attacks; locally they SHOULD bind only to localhost and SHOULD implement proper authentication', RS, 'paraphrase'],
  ['Sending Messages to the Server', 'MUST', 'Every JSON-RPC message sent from the client MUST be a new HTTP POST request to the MCP endpoint.', TRANSPORT_MECHANICS],
  ['Sending Messages to the Server', 'MUST', 'The client MUST include an Accept header, listing both application/json and text/event-stream as supported content types.', TRANSPORT_MECHANICS],
  ['Sending Messages to the Server', 'MUST', 'The body of the POST request MUST be a single JSON-RPC request, notification, or response.', TRANSPORT_MECHANICS],
  ['Sending Messages to the Server', 'MUST', 'The server MUST return 202 for an accepted response or notification, and either an SSE stream or one JSON object for a request; the client MUST support both these cases.', TRANSPORT_MECHANICS, 'paraphrase'],
  ['Listening for Messages from the Server', 'MUST', 'A client GET to open a stream MUST include an Accept header listing text/event-stream; the server MUST answer with an SSE stream or 405.', TRANSPORT_MECHANICS, 'paraphrase'],
  ['Multiple Connections', 'MUST', 'The server MUST send each of its JSON-RPC messages on only one of the connected streams.', RS],
  ['Session Management', 'SHOULD', 'The session ID SHOULD be globally unique and cryptographically secure; it MUST only contain visible ASCII characters.', MCP_SESSIONS, 'paraphrase'],
  ['Session Management', 'MUST', 'The client MUST handle the session ID in a secure manner (Session Hijacking mitigations).', ['TOKEN-16'], 'paraphrase'],
  ['Session Management', 'MUST', 'If an Mcp-Session-Id is returned by the server during initialization, clients using the Streamable HTTP transport MUST include it in the Mcp-Session-Id header on all of their subsequent HTTP requests.', ['TOKEN-19'], 'paraphrase'],
  ['Session Management', 'SHOULD', 'Servers that require a session ID SHOULD respond to requests without an Mcp-Session-Id header (other than initialization) with HTTP 400 Bad Request.', MCP_SESSIONS, 'paraphrase'],
  ['Session Management', 'MUST', 'The server MAY terminate the session at any time, after which it MUST respond to requests containing that session ID with HTTP 404 Not Found.', MCP_SESSIONS, 'paraphrase'],
  ['Session Management', 'MUST', 'When a client receives HTTP 404 in response to a request containing an Mcp-Session-Id, it MUST start a new session by sending a new InitializeRequest without a session ID attached.', ['TOKEN-19'], 'paraphrase'],
  ['Session Management', 'SHOULD', 'Clients that no longer need a particular session SHOULD send an HTTP DELETE to the MCP endpoint with the Mcp-Session-Id header, to explicitly terminate the session.', GAP('ending an MCP session with DELETE (ContextForge and the reference do; not checked)'), 'paraphrase'],
  ['Protocol Version Header', 'MUST', 'If using HTTP, the client MUST include the MCP-Protocol-Version: <protocol-version> HTTP header on all subsequent requests to the MCP server; it SHOULD be the version negotiated during initialization.', out('not tested: the mock MCP server, as the SDK\'s, takes a request without it for protocol version 2025-03-26'), 'paraphrase'],
  ['Protocol Version Header', 'MUST', 'A server receiving an invalid or unsupported MCP-Protocol-Version MUST respond with 400 Bad Request; without one it SHOULD assume 2025-03-26.', RS, 'paraphrase'],
  ['Backwards Compatibility', 'SHOULD', 'Clients wanting to support older servers SHOULD try a POST InitializeRequest and fall back to the deprecated HTTP+SSE transport on 400/404/405.', out('the deprecated HTTP+SSE transport, out of scope'), 'paraphrase'],
  ['Custom Transports', 'MUST', 'Implementers who choose to support custom transports MUST ensure they preserve the JSON-RPC message format and lifecycle requirements defined by MCP.', out('other transports, out of scope')],
]);

const MCP_LIFECYCLE_SENTENCES = sentencesOf(MCP_LIFECYCLE, [
  ['Timeouts', 'SHOULD', 'Implementations SHOULD establish timeouts for all sent requests, to prevent hung connections and resource exhaustion.', ['TOKEN-14']],
  ['Timeouts', 'SHOULD', 'When the request has not received a response within the timeout period, the sender SHOULD … stop waiting for a response (tested; the cancellation notification it SHOULD also send is not observed)', ['TOKEN-14'], 'paraphrase'],
  ['Timeouts', 'SHOULD', 'SDKs and other middleware SHOULD allow these timeouts to be configured on a per-request basis.', out('a duty of SDKs, not of a gateway in this flow')],
]);

const MCP_PAGINATION_SENTENCES = sentencesOf(MCP_PAGINATION, [
  ['§1', 'MUST NOT', 'Page size is determined by the server, and clients MUST NOT assume a fixed page size', ['SESSION-03']],
  ['§6', 'SHOULD', 'Servers SHOULD: Provide stable cursors; Handle invalid cursors gracefully', RS],
  ['§6', 'SHOULD', 'Clients SHOULD: Treat a missing nextCursor as the end of results', ['SESSION-03']],
  ['§6', 'SHOULD', 'Clients SHOULD: Support both paginated and non-paginated flows', ['SESSION-03']],
  ['§6', 'MUST', "Clients MUST treat cursors as opaque tokens: Don't make assumptions about cursor format; don't parse or modify cursors; don't persist cursors across sessions", out('not tested: the mock MCP server\'s cursors are opaque strings and nothing checks their handling beyond SESSION-03\'s complete list')],
  ['§7', 'SHOULD', 'Invalid cursors SHOULD result in an error with code -32602 (Invalid params).', RS],
]);

const MCP_TOOLS_SENTENCES = sentencesOf(MCP_TOOLS, [
  ['User Interaction Model', 'SHOULD', 'there SHOULD always be a human in the loop with the ability to deny tool invocations.', out('tool invocation by an AI application, out of scope (the flow lists tools)')],
  ['User Interaction Model', 'SHOULD', 'Applications SHOULD: Provide UI that makes clear which tools are being exposed to the AI model', out('tool invocation by an AI application, out of scope (the flow lists tools)')],
  ['Capabilities', 'MUST', 'Servers that support tools MUST declare the tools capability', RS],
  ['List Changed Notification', 'SHOULD', 'When the list of available tools changes, servers that declared the listChanged capability SHOULD send a notification', ['SESSION-03']],
  ['Tool Names', 'SHOULD', 'Tool names SHOULD be unique within a server.', RS],
  ['Security Considerations', 'MUST', 'Servers MUST: Validate all tool inputs; Implement proper access controls; Rate limit tool invocations; Sanitize tool outputs', RS],
  ['Security Considerations', 'SHOULD', 'Clients SHOULD: prompt for confirmation, show tool inputs, validate results, implement timeouts, log tool usage', out('tool calls, out of scope (the flow lists tools)'), 'paraphrase'],
]);

const RFC6265BIS_SENTENCES = sentencesOf(RFC6265BIS, [
  ['§4.1.1', 'SHOULD NOT', 'Servers SHOULD NOT include more than one Set-Cookie header field in the same response with the same cookie-name.', out('cookie syntax, not tested (SESSION-07 checks every Set-Cookie of the session cookie)'), 'paraphrase'],
  ['§4.1.3', 'SHOULD', 'servers SHOULD use the __Host- (or __Secure-) cookie name prefixes where they apply', GAP('__Host- session cookie (needs https)'), 'paraphrase'],
]);

/** Every traced sentence, per document. */
export const TRACEABILITY: readonly TracedSentence[] = [
  ...MCP_AUTH_SENTENCES,
  ...MCP_SBP_SENTENCES,
  ...RFC6749_SENTENCES,
  ...RFC6750_SENTENCES,
  ...RFC7591_SENTENCES,
  ...RFC7636_SENTENCES,
  ...RFC8414_SENTENCES,
  ...RFC8707_SENTENCES,
  ...RFC9207_SENTENCES,
  ...RFC9700_SENTENCES,
  ...RFC9068_SENTENCES,
  ...OAUTH21_SENTENCES,
  ...RFC9728_SENTENCES,
  ...FETCH_METADATA_SENTENCES,
  ...WHATWG_FETCH_SENTENCES,
  ...MCP_TRANSPORTS_SENTENCES,
  ...MCP_LIFECYCLE_SENTENCES,
  ...MCP_PAGINATION_SENTENCES,
  ...MCP_TOOLS_SENTENCES,
  ...RFC6265BIS_SENTENCES,
];

/**
 * Normative documents the catalogue cites for definitions or user-agent behaviour rather than for a
 * MUST/SHOULD addressed to a gateway: what they are cited for, instead of sentences.
 */
export const CITED_FOR_DEFINITIONS: ReadonlyMap<Source, string> = new Map([
  [RFC6454, 'the definition of "same origin" (scheme, host, port) that XSITE-11 compares by; no keyword addressed to servers'],
  [RFC7009, 'the revocation request (§2) TOKEN-10 looks for at the IdP; its keywords bind the authorization server, none obliges a client to revoke'],
  [RFC7239, 'what the Forwarded header carries and that any client can write it (§8.1), behind FLOW-20; its keywords bind proxies'],
  [RFC9110, 'the meaning of safe methods (GET is not expected to change state) behind XSITE-12, what a client following a redirect removes (§15.4: Authorization, Cookie) behind TOKEN-18, and that a 307 keeps method and body (§15.4.8) behind TOKEN-21; its keywords bind user agents and caches'],
  [RFC6265BIS, 'the semantics of HttpOnly, SameSite and Lax-allowing-unsafe (user-agent rules) behind SESSION-07/08 and XSITE-02; the server-side keywords are traced above'],
]);

/**
 * Requirements that no normative sentence states for a gateway: our judgement, each with why. Each must
 * carry an `OURS(…)` source in the catalogue (the test checks it), so the report says so too.
 */
export const OWN_DUTIES: ReadonlyMap<RequirementId, string> = new Map<RequirementId, string>([
  ['ENV-04', 'calibration: a page the harness broke must never be reported as a broken gateway'],
  ['ENV-05', 'calibration: a client page the harness broke must never be reported as a broken client'],
  ['SESSION-01', 'no source requires a gateway to accept its own same-origin cookie session on its API; ContextForge #3059 shows the failure is real'],
  ['SESSION-02', 'as SESSION-01, for the admin table\'s Fetch Tools control'],
  ['FLOW-24', "no source obliges a client's callback to work without cookies; RFC 6265bis §5.2.1 says which cookies a cross-site navigation carries, and n8n #34191 and Phoenix #4685 show callbacks that relied on the others"],
  ['TOKEN-13', 'the MCP tools page says what a JSON-RPC error is, no source says a client must not report one as an empty list; ContextForge 1.0.7 does'],
  ['SESSION-04', 'no source makes Accept, HX-Request or Referer an authentication signal (Accept is CORS-safelisted; RFC 9700 §4.2.4 even suppresses Referer)'],
  ['UI-01', 'a page whose own CSP or script error kills its handler is an outage as bad as a 401'],
  ['FLOW-20', 'where a gateway learns its own public origin (configuration, or a trusted proxy) is deployment, which the OAuth documents leave out; a spoofed one moves the redirect_uri and the Origin check'],
  ['XSITE-13', 'login CSRF is in the OWASP CSRF cheat sheet, not in a normative text; for a gateway it hands the victim\'s next authorizations to the attacker\'s account'],
  ['SESSION-09', 'server-side sign-out is OWASP guidance, not a normative sentence for a gateway'],
  ['SESSION-12', "the OWASP CSRF cheat sheet weighs per-request against per-session tokens (guidance, not a normative sentence); a page the user has open that its own gateway refuses is an outage as bad as SESSION-01's 401"],
  ['TOKEN-26', "no normative text covers what a gateway shows a user about their grants; ContextForge #6459 shows a status that could not tell one user's from the gateway's"],
  ['TOKEN-10', 'no normative source makes a client revoke on disconnect (RFC 7009 only defines how); a disconnect that leaves the grant alive is a broken promise to the user'],
  ['TOKEN-09', 'the RFC 9700 reuse detection binds the IdP; not tripping it with concurrent refreshes of one grant is what a client must do to keep working'],
  ['SESSION-10', 'session-id renewal at sign-in is OWASP guidance, not a normative sentence for a gateway'],
  ['SESSION-11', 'session-id entropy is OWASP guidance; no OAuth or MCP text covers the gateway\'s own session'],
  ['SESSION-14', "checking a password in full against the named account is OWASP guidance; no OAuth or MCP text covers the gateway's own sign-in"],
  ['SESSION-15', "authenticating every request that acts for a user is OWASP guidance; no OAuth or MCP text covers the gateway's own endpoints"],
  ['TOKEN-16', "no normative text says how a client keys its connections; ContextForge #2055 shows a pool keyed without the user, and one user's token serving another's call is the confused deputy TOKEN-03 guards against"],
  ['UI-03', 'output encoding is OWASP guidance; no MCP text says how a host shows a server\'s error message, yet a malicious server must not script the gateway\'s pages'],
]);
