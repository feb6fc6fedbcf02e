// Shared by the admin table and the callback page: POST /oauth/fetch-tools/ID and turn the answer into
// what the user sees. The status element gets data-state="success|failure" only once the outcome is known.

/** @returns {string} the per-session anti-CSRF token the server put in <meta name="csrf-token">. */
export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
}

/** @returns {string} the path the gateway is served under ('' at the host's root, e.g. '/gw' behind a proxy), from <meta name="root-path">. */
function rootPath() {
  return document.querySelector('meta[name="root-path"]')?.getAttribute('content') ?? '';
}

/** Clears the previous outcome and marks the control busy. */
export function showPending(button, status) {
  status.removeAttribute('data-state');
  status.textContent = 'Fetching tools…';
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
}

export function showOutcome(button, status, outcome) {
  status.textContent = outcome.text;
  status.setAttribute('data-state', outcome.state);
  button.disabled = false;
  button.removeAttribute('aria-busy');
}

/**
 * @param {string} gatewayId
 * @param {{ omitCredentials?: boolean }} options
 * @returns {Promise<{ state: 'success' | 'failure', text: string, count?: number }>}
 */
export async function postFetchTools(gatewayId, options = {}) {
  const init = { method: 'POST', headers: { 'X-CSRF-Token': csrfToken() } };
  if (options.omitCredentials) init.credentials = 'omit';
  let response;
  try {
    response = await fetch(`${rootPath()}/oauth/fetch-tools/${encodeURIComponent(gatewayId)}`, init);
  } catch (error) {
    return { state: 'failure', text: `Error: network error (${error instanceof Error ? error.message : String(error)})` };
  }
  const body = await readBody(response);
  if (response.ok && body !== null && body.success === true && Array.isArray(body.tools)) {
    return { state: 'success', text: `Fetched ${body.tools.length} tools`, count: body.tools.length };
  }
  const message =
    body === null
      ? `HTTP ${response.status}`
      : typeof body.message === 'string'
        ? body.message
        : typeof body.detail === 'string'
          ? body.detail
          : typeof body.text === 'string' && body.text.trim() !== ''
            ? `HTTP ${response.status}: ${body.text.trim().slice(0, 200)}`
            : `HTTP ${response.status}`;
  return { state: 'failure', text: `Error: ${message}` };
}

async function readBody(response) {
  try {
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('application/json')) return await response.json();
    return { text: await response.text() };
  } catch {
    return null;
  }
}
