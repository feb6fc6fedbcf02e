// Callback success page: strips code/state from the address bar, and wires "Fetch Tools from MCP Server"
// to POST <root path>/oauth/fetch-tools/ID with default fetch options plus the X-CSRF-Token header.
import { postFetchTools, showOutcome, showPending } from './fetch-tools.js';

// data-callback-url="keep" exists only under the referrer-policy-full-url fault mode.
const keepUrl = document.querySelector('main')?.dataset.callbackUrl === 'keep';
if (location.search !== '' && !keepUrl) history.replaceState(null, '', location.pathname);

const button = document.getElementById('fetch-tools-btn');
const status = document.getElementById('fetch-status');
button?.addEventListener('click', async () => {
  if (!status) return;
  showPending(button, status);
  // data-credentials="omit" exists only under the callback-fetch-omits-credentials fault mode.
  const outcome = await postFetchTools(button.dataset.gatewayId ?? '', { omitCredentials: button.dataset.credentials === 'omit' });
  showOutcome(button, status, outcome);
});
