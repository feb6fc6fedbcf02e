import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MCP_CLIENT_TOOL, mcpClientToolOptionsRequest, mcpCredentialData, toolNames } from '../../targets/n8n/mcp-credential.js';
import type { UpstreamRegistration } from '../../targets/target.js';

const registration: UpstreamRegistration = {
  name: 'conf-upstream',
  mcpUrl: 'http://127.0.0.1:40001/mcp',
  issuer: 'http://127.0.0.1:40000',
  authorizationEndpoint: 'http://127.0.0.1:40000/authorize',
  tokenEndpoint: 'http://127.0.0.1:40000/token',
  clientId: 'gw-client',
  clientSecret: 'not-a-real-secret',
  scopes: ['tools:read', 'offline_access'],
  resource: 'http://127.0.0.1:40001/mcp',
};

test('the credential is a static PKCE client with the Resource URL, scopes space separated', () => {
  const data = mcpCredentialData(registration);
  assert.equal(data['useDynamicClientRegistration'], false);
  assert.equal(data['grantType'], 'pkce');
  assert.equal(data['resourceUrl'], registration.resource);
  assert.equal(data['scope'], 'tools:read offline_access');
  assert.equal(data['authUrl'], registration.authorizationEndpoint);
  assert.equal(data['accessTokenUrl'], registration.tokenEndpoint);
});

test("the tool-list request names the node's getTools method and this user's credential", () => {
  const request = mcpClientToolOptionsRequest(registration, { id: 'c1', name: 'conf-upstream' });
  assert.deepEqual(request['nodeTypeAndVersion'], MCP_CLIENT_TOOL);
  assert.equal(request['methodName'], 'getTools');
  assert.deepEqual(request['credentials'], { mcpOAuth2Api: { id: 'c1', name: 'conf-upstream' } });
  const parameters = request['currentNodeParameters'] as Record<string, unknown>;
  assert.equal(parameters['endpointUrl'], registration.mcpUrl);
  assert.equal(parameters['authentication'], 'mcpOAuth2Api');
});

test('tool names are the options\' values, sorted', () => {
  assert.deepEqual(toolNames([{ name: 'Echo', value: 'echo' }, { name: 'Add', value: 'add' }]), ['add', 'echo']);
});
