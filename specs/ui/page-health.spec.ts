/**
 * The pages themselves: a script error or a page blocking its own script (CSP) breaks the buttons as
 * surely as a 401 does, and shows up only in the browser.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { pressFetchTools } from '../../fixtures/fetch-tools.js';

test('UI-01 admin and callback pages raise no uncaught error, console error or CSP violation', req('UI-01'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  await alice.page.goto(`${harness.target.origin}${harness.target.adminPagePath}`);
  await authorize(harness, alice, upstream);
  await pressFetchTools(harness, alice.page, upstream, 'callback').catch((e: unknown) => evidence.add('callbackFetchTools', String(e)));
  await pressFetchTools(harness, alice.page, upstream, 'table').catch((e: unknown) => evidence.add('tableFetchTools', String(e)));
  const problems = alice.problems();
  evidence.add('problems', problems);
  expect(problems, 'errors on gateway pages').toEqual([]);
});
