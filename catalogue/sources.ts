/**
 * The documents the catalogue cites, one shared constant each, and typed citations of them. A
 * requirement's `sources` are `SourceRef`s built from these constants (never retyped strings), so a
 * document's name and URL live in one place and catalogue/traceability.ts can tie each normative
 * sentence to the same constant the requirements cite.
 */

/**
 * - `normative`: a specification whose MUST/SHOULD sentences bind an implementation; every one the
 *   catalogue cites has its sentences traced in catalogue/traceability.ts.
 * - `guidance`: advice without conformance keywords for us (OWASP cheat sheets).
 * - `report`: a bug report or change that shows the failure is real (ContextForge issues).
 */
export type SourceKind = 'normative' | 'guidance' | 'report';

export interface Source {
  /** How citations print it, e.g. "RFC 6749". */
  readonly label: string;
  readonly title: string;
  readonly url: string;
  readonly kind: SourceKind;
  /** The URL of a section ("§10.12", "#3059"), where the document has stable anchors for them. */
  readonly sectionUrl?: (section: string) => string | undefined;
}

/** A citation of one document, optionally narrowed to a section and explained by a note. */
export interface Citation {
  readonly kind: 'citation';
  readonly source: Source;
  /** "§10.12", "§4.1.3, §10.5", "#3059", or an anchor name ("CORS-preflight fetch"). */
  readonly section?: string;
  /** Why it is cited or what it says, as the report prints it in parentheses. */
  readonly note?: string;
  toString(): string;
}

/** A duty no cited source states for a gateway in these words: our judgement, kept visible on purpose. */
export interface OwnJudgement {
  readonly kind: 'ours';
  readonly reason?: string;
  toString(): string;
}

export type SourceRef = Citation | OwnJudgement;

/** "§4.1.2" → "#section-4.1.2": the anchors of rfc-editor.org and datatracker HTML renderings. */
function rfcSection(base: string): (section: string) => string | undefined {
  return (section) => {
    const m = /^§([A-Z]?\d+(?:\.\d+)*)/.exec(section);
    return m ? `${base}#section-${m[1]}` : undefined;
  };
}

function rfc(num: number, title: string): Source {
  const url = `https://www.rfc-editor.org/rfc/rfc${num}`;
  return { label: `RFC ${num}`, title, url, kind: 'normative', sectionUrl: rfcSection(url) };
}

export const RFC6454 = rfc(6454, 'The Web Origin Concept');
export const RFC6749 = rfc(6749, 'The OAuth 2.0 Authorization Framework');
export const RFC6750 = rfc(6750, 'The OAuth 2.0 Authorization Framework: Bearer Token Usage');
export const RFC7009 = rfc(7009, 'OAuth 2.0 Token Revocation');
export const RFC7239 = rfc(7239, 'Forwarded HTTP Extension');
export const RFC7591 = rfc(7591, 'OAuth 2.0 Dynamic Client Registration Protocol');
export const RFC7636 = rfc(7636, 'Proof Key for Code Exchange by OAuth Public Clients');
export const RFC8414 = rfc(8414, 'OAuth 2.0 Authorization Server Metadata');
export const RFC8707 = rfc(8707, 'Resource Indicators for OAuth 2.0');
export const RFC9068 = rfc(9068, 'JSON Web Token (JWT) Profile for OAuth 2.0 Access Tokens');
export const RFC9110 = rfc(9110, 'HTTP Semantics');
export const RFC9207 = rfc(9207, 'OAuth 2.0 Authorization Server Issuer Identification');
export const RFC9700 = rfc(9700, 'Best Current Practice for OAuth 2.0 Security');
export const RFC9728 = rfc(9728, 'OAuth 2.0 Protected Resource Metadata');

export const RFC6265BIS: Source = {
  label: 'RFC 6265bis',
  title: 'Cookies: HTTP State Management Mechanism (draft-ietf-httpbis-rfc6265bis)',
  url: 'https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis',
  kind: 'normative',
  sectionUrl: rfcSection('https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis'),
};

/** draft-ietf-oauth-v2-1-13: the revision MCP 2025-11-25 cites. */
export const OAUTH21: Source = {
  label: 'OAuth 2.1',
  title: 'The OAuth 2.1 Authorization Framework (draft-ietf-oauth-v2-1-13)',
  url: 'https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1-13',
  kind: 'normative',
  sectionUrl: rfcSection('https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1-13'),
};

const MCP_SPEC = 'https://modelcontextprotocol.io/specification/2025-11-25';

export const MCP_AUTHORIZATION: Source = {
  label: 'MCP 2025-11-25 authorization',
  title: 'Model Context Protocol 2025-11-25: Authorization',
  url: `${MCP_SPEC}/basic/authorization`,
  kind: 'normative',
};

/** As released with 2025-11-25 (section numbers as rendered then; later guide snapshots added sections). */
export const MCP_SECURITY_BEST_PRACTICES: Source = {
  label: 'MCP 2025-11-25 security best practices',
  title: 'Model Context Protocol 2025-11-25: Security Best Practices',
  url: `${MCP_SPEC}/basic/security_best_practices`,
  kind: 'normative',
};

export const MCP_TOOLS: Source = {
  label: 'MCP 2025-11-25 server/tools',
  title: 'Model Context Protocol 2025-11-25: Tools',
  url: `${MCP_SPEC}/server/tools`,
  kind: 'normative',
};

export const MCP_TRANSPORTS: Source = {
  label: 'MCP 2025-11-25 basic/transports',
  title: 'Model Context Protocol 2025-11-25: Transports',
  url: `${MCP_SPEC}/basic/transports`,
  kind: 'normative',
};

export const MCP_LIFECYCLE: Source = {
  label: 'MCP 2025-11-25 basic/lifecycle',
  title: 'Model Context Protocol 2025-11-25: Lifecycle',
  url: `${MCP_SPEC}/basic/lifecycle`,
  kind: 'normative',
};

export const MCP_PAGINATION: Source = {
  label: 'MCP 2025-11-25 server/utilities/pagination',
  title: 'Model Context Protocol 2025-11-25: Pagination',
  url: `${MCP_SPEC}/server/utilities/pagination`,
  kind: 'normative',
};

export const FETCH_METADATA: Source = {
  label: 'W3C Fetch Metadata',
  title: 'Fetch Metadata Request Headers (W3C)',
  url: 'https://www.w3.org/TR/fetch-metadata/',
  kind: 'normative',
};

export const WHATWG_FETCH: Source = {
  label: 'WHATWG Fetch',
  title: 'Fetch Living Standard (WHATWG)',
  url: 'https://fetch.spec.whatwg.org/',
  kind: 'normative',
};

export const OWASP_CSRF: Source = {
  label: 'OWASP CSRF cheat sheet',
  title: 'OWASP Cross-Site Request Forgery Prevention Cheat Sheet',
  url: 'https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html',
  kind: 'guidance',
};

export const OWASP_SESSION: Source = {
  label: 'OWASP session management cheat sheet',
  title: 'OWASP Session Management Cheat Sheet',
  url: 'https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html',
  kind: 'guidance',
};

export const OWASP_AUTHENTICATION: Source = {
  label: 'OWASP authentication cheat sheet',
  title: 'OWASP Authentication Cheat Sheet',
  url: 'https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html',
  kind: 'guidance',
};

export const OWASP_AUTHORIZATION: Source = {
  label: 'OWASP authorization cheat sheet',
  title: 'OWASP Authorization Cheat Sheet',
  url: 'https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html',
  kind: 'guidance',
};

export const OWASP_LOGGING: Source = {
  label: 'OWASP logging cheat sheet',
  title: 'OWASP Logging Cheat Sheet',
  url: 'https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html',
  kind: 'guidance',
};

export const OWASP_XSS: Source = {
  label: 'OWASP XSS cheat sheet',
  title: 'OWASP Cross Site Scripting Prevention Cheat Sheet',
  url: 'https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html',
  kind: 'guidance',
};

/** A GitHub repository's issues and pull requests, cited as "<label> #<number>". */
function githubIssues(repository: string, label: string): Source {
  return {
    label,
    title: `${repository} issues and pull requests`,
    url: `https://github.com/${repository}/issues`,
    kind: 'report',
    sectionUrl: (section) => {
      const m = /^#(\d+)$/.exec(section);
      return m ? `https://github.com/${repository}/issues/${m[1]}` : undefined;
    },
  };
}

export const CONTEXTFORGE_ISSUES = githubIssues('IBM/mcp-context-forge', 'ContextForge');
/** Incidents of the same classes in other tools with a browser OAuth flow (the catalogue is about bug classes, not one gateway). */
export const N8N_ISSUES = githubIssues('n8n-io/n8n', 'n8n');
export const PHOENIX_ISSUES = githubIssues('Arize-ai/phoenix', 'Arize Phoenix');
export const MCP_TYPESCRIPT_SDK_ISSUES = githubIssues('modelcontextprotocol/typescript-sdk', 'MCP TypeScript SDK');
export const OPENCLAW_ISSUES = githubIssues('openclaw/openclaw', 'OpenClaw');
export const BETTER_AUTH_ISSUES = githubIssues('better-auth/better-auth', 'Better Auth');
export const LIBREFANG_ISSUES = githubIssues('librefang/librefang', 'LibreFang');
export const MCP_GATEWAY_REGISTRY_ISSUES = githubIssues('agentic-community/mcp-gateway-registry', 'MCP Gateway Registry');
export const LITELLM_ISSUES = githubIssues('BerriAI/litellm', 'LiteLLM');
export const MCPORTER_ISSUES = githubIssues('openclaw/mcporter', 'mcporter');
export const DENKEEPER_ISSUES = githubIssues('Temikus/denkeeper', 'Denkeeper');
export const QUICKBOOKS_MCP_ISSUES = githubIssues('intuit/quickbooks-online-mcp-server', 'QuickBooks Online MCP server');
export const MCP_USE_ISSUES = githubIssues('mcp-use/mcp-use', 'mcp-use');

/** Published vulnerabilities of HTTP clients, cited by their CVE id: the same mistake made in widely used code. */
export const CVE_RECORDS: Source = {
  label: 'CVE',
  title: 'CVE records (cve.org)',
  url: 'https://www.cve.org/',
  kind: 'report',
  sectionUrl: (section) => (/^CVE-\d{4}-\d+$/.test(section) ? `https://www.cve.org/CVERecord?id=${section}` : undefined),
};

/** Every document above, for the traceability checks and views. */
export const SOURCES: readonly Source[] = [
  MCP_AUTHORIZATION,
  MCP_SECURITY_BEST_PRACTICES,
  MCP_TOOLS,
  MCP_LIFECYCLE,
  MCP_TRANSPORTS,
  MCP_PAGINATION,
  OAUTH21,
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
  RFC6265BIS,
  FETCH_METADATA,
  WHATWG_FETCH,
  OWASP_CSRF,
  OWASP_SESSION,
  OWASP_XSS,
  OWASP_AUTHENTICATION,
  OWASP_AUTHORIZATION,
  OWASP_LOGGING,
  CONTEXTFORGE_ISSUES,
  N8N_ISSUES,
  PHOENIX_ISSUES,
  MCP_TYPESCRIPT_SDK_ISSUES,
  OPENCLAW_ISSUES,
  BETTER_AUTH_ISSUES,
  LIBREFANG_ISSUES,
  MCP_GATEWAY_REGISTRY_ISSUES,
  LITELLM_ISSUES,
  MCPORTER_ISSUES,
  DENKEEPER_ISSUES,
  QUICKBOOKS_MCP_ISSUES,
  MCP_USE_ISSUES,
  CVE_RECORDS,
];

/**
 * Cites `source`, optionally at `section` and with a `note`. Prints as the report always has:
 * "RFC 6749 §10.12", "ContextForge #3059", "WHATWG Fetch: CORS-preflight fetch", "RFC 9700 §4.16 (clickjacking)".
 */
export function cite(source: Source, section?: string, note?: string): Citation {
  return {
    kind: 'citation',
    source,
    ...(section === undefined ? {} : { section }),
    ...(note === undefined ? {} : { note }),
    toString: () => formatCitation(source, section, note),
  };
}

/** Our judgement, with the reason when there is one worth printing: "(ours) calibration before any verdict". */
export function OURS(reason?: string): OwnJudgement {
  return { kind: 'ours', ...(reason === undefined ? {} : { reason }), toString: () => (reason === undefined ? '(ours)' : `(ours) ${reason}`) };
}

function formatCitation(source: Source, section: string | undefined, note: string | undefined): string {
  // Numbered sections and issue numbers read as "RFC 6749 §10.12" / "ContextForge #3059"; named anchors as "WHATWG Fetch: CORS protocol".
  const where = section === undefined ? '' : /^[§#]/.test(section) ? ` ${section}` : `: ${section}`;
  return `${source.label}${where}${note === undefined ? '' : ` (${note})`}`;
}

/** The printed form of a source reference: what reports, `list` and certification show. */
export function formatSource(ref: SourceRef): string {
  return ref.toString();
}

/** The URL a reader follows for this reference: the section's anchor where the document has one. */
export function sourceUrl(ref: SourceRef): string | undefined {
  if (ref.kind === 'ours') return undefined;
  return (ref.section === undefined ? undefined : ref.source.sectionUrl?.(ref.section)) ?? ref.source.url;
}
