/**
 * What counts as "this machine" for the offline rule: loopback addresses, `localhost` and `*.localhost`
 * (Chromium resolves those to loopback), and `.test` names, which RFC 6761 reserves for testing and the
 * suite's browser maps to loopback (config/browser.ts; the behind-proxy deployment serves gateway.test).
 * Anything else would leave the machine; the harness and the adapters block and report it. Non-network
 * schemes (about:, data:, blob:) never leave it.
 */
export function staysOnMachine(url: URL): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'ws:' && url.protocol !== 'wss:') return true;
  const host = url.hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === 'test' || host.endsWith('.test') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '[::1]';
}

/** How Chromium fails a name the host rule resolves to nothing (config/browser.ts). */
const HOST_RULE_FAILURE = 'ERR_NAME_NOT_RESOLVED';

/**
 * A request, or a console "Failed to load resource" message, the browser's host rule stopped: its URL is off the
 * machine and it failed because the name did not resolve. Other failures of such a request are not the rule's (a
 * load the page abandoned is ERR_ABORTED; an adapter's route that aborts, ERR_BLOCKED_BY_CLIENT, lists what it
 * blocks itself).
 */
export function stoppedByHostRule(errorText: string, url: string): boolean {
  if (!errorText.includes(HOST_RULE_FAILURE)) return false;
  try {
    return !staysOnMachine(new URL(url));
  } catch {
    return false;
  }
}
