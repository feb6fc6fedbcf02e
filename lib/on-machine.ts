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
