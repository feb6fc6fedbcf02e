// Admin table: each row's Fetch Tools button posts to /oauth/fetch-tools/ID with the session cookie
// (default same-origin credentials) and the X-CSRF-Token header, then shows the result in the row.
import { csrfToken, postFetchTools, showOutcome, showPending } from './fetch-tools.js';

const table = document.getElementById('gateways');
// data-fetch-mode="noop" exists only under the table-fetch-noop fault mode.
const noop = table?.dataset.fetchMode === 'noop';

// data-authorize-mode="script" exists only under the authorization-url-opened-by-script fault mode: Authorize
// asks the server for the authorization URL and goes there from this script.
const authorizeByScript = table?.dataset.authorizeMode === 'script';

table?.addEventListener('click', async (event) => {
  const target = event.target;
  if (!(target instanceof Element)) return;
  const authorize = target.closest('a[data-action="authorize"]');
  if (authorizeByScript && authorize instanceof HTMLAnchorElement) {
    event.preventDefault();
    const answer = await fetch(authorize.href.replace('/oauth/authorize/', '/oauth/authorize-url/'), { method: 'POST', headers: { 'X-CSRF-Token': csrfToken() } });
    const { url } = await answer.json();
    window.location.assign(url);
    return;
  }
  const button = target.closest('button[data-action="fetch-tools"]');
  const row = button?.closest('tr');
  const status = row?.querySelector('.fetch-status');
  if (!button || !row || !status) return;
  showPending(button, status);
  if (noop) {
    showOutcome(button, status, { state: 'success', text: 'Fetched 0 tools' });
    return;
  }
  const outcome = await postFetchTools(button.dataset.gatewayId ?? '');
  if (outcome.state === 'success') {
    const count = row.querySelector('.tool-count');
    if (count) count.textContent = String(outcome.count);
  }
  showOutcome(button, status, outcome);
});
