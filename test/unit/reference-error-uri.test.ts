/** The reference gateway's link to the IdP's error_uri on the callback's error page (UI-02): web URLs only. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorPageLink } from '../../targets/reference/server/error-uri.js';
import { faultFlags } from '../../targets/reference/server/faults.js';

const correct = faultFlags(null);

test('an http or https error_uri is linked as the URL parser writes it; nothing else is linked', () => {
  assert.equal(errorPageLink('https://idp.example/errors?code=1', correct), 'https://idp.example/errors?code=1');
  assert.equal(errorPageLink('HTTP://IDP.example/e', correct), 'http://idp.example/e');
  for (const value of ['javascript:alert(1)//', ' JavaScript:alert(1)', 'data:text/html,<b>x</b>', '/relative/page', 'not a url', '']) {
    assert.equal(errorPageLink(value, correct), undefined, value);
  }
  assert.equal(errorPageLink(undefined, correct), undefined);
});

test('the callback-error-uri-unchecked fault links any value as given', () => {
  assert.equal(errorPageLink('javascript:alert(1)//', faultFlags('callback-error-uri-unchecked')), 'javascript:alert(1)//');
});
