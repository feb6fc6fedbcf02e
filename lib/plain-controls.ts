/**
 * Drives the pages this suite wrote itself (the reference gateway's, the mock IdP's) without Playwright's
 * injected script. Any locator action, `expect(locator)` or `waitForFunction` first sends that script (about
 * 345 KB of JavaScript) into the document, once per document: measured here (2026-12-07), a locator click on a
 * fresh document costs ~50 ms of CPU (worker, browser and renderer) against ~7 ms for a `page.evaluate` and a
 * mouse click, and a reference run sent it 472 times, about a fifth of the run's CPU.
 *
 * What stays as Playwright does it: the input is trusted (`page.mouse`, `page.keyboard`: real input events,
 * with user activation), and an element must be unique, visible, enabled and the one that receives the click at
 * its centre, or the action waits. The waits are in the page on its DOM mutations (a MutationObserver), bounded
 * by a deadline; a document replaced meanwhile (a navigation) is waited on again until the deadline.
 *
 * Gateways other than the reference keep Playwright's locators (their pages change under us; its auto-waiting
 * and diagnostics are worth the cost there).
 */
import type { Page } from '@playwright/test';

export interface ElementQuery {
  /** A CSS selector, matched against the whole document. */
  selector: string;
  /** Only elements whose text (whitespace collapsed, case ignored) contains this, like Playwright's `hasText`. */
  hasText?: string;
}

/** The single match's state, read in the same evaluation that found it. */
export interface ElementState {
  visible: boolean;
  enabled: boolean;
  /** textContent, trimmed (all of the element's text, shown or not). */
  text: string;
  /** innerText, trimmed (the text as rendered, as Playwright's `innerText`). */
  shownText: string;
  attributes: Record<string, string>;
}

/** What a query found, read in one evaluation. */
export interface ElementReading {
  count: number;
  /** The single match's state; absent when there is none or more than one. */
  element?: ElementState;
}

/** What a wait wants: the element `attached`, or `visible`, or ready for input (`actionable`); `now`: no wait, a reading. */
type Wanted = 'now' | 'attached' | 'visible' | 'actionable';

interface PageRequest extends ElementQuery {
  wanted: Wanted;
  /** Also wait until this attribute's value matches (a RegExp source, no flags). */
  attribute?: { name: string; pattern: string };
  timeoutMs: number;
}

/** Why an element is not (yet) what a wait wants. */
export type NotReady = 'missing' | 'ambiguous' | 'attribute' | 'hidden' | 'disabled' | 'covered' | 'no-document';

type Ready = { kind: 'ready'; reading: ElementReading; x: number; y: number };
type Pending = { reason: NotReady; state: string };
type PageAnswer = Ready | ({ kind: 'timeout' } & Pending);

/**
 * Runs in the page, the one function that reads it: with `wanted: 'now'` answers what the query finds at once;
 * otherwise resolves as soon as the query meets `wanted` (checked now and on each DOM mutation), with what it
 * found, or with the last state seen at the deadline. Self-contained: Playwright sends its source into the page.
 */
function queryInPage(request: PageRequest): Promise<PageAnswer> {
  const normalise = (text: string): string => text.replace(/\s+/g, ' ').trim().toLowerCase();
  const matches = (): Element[] => {
    const all = Array.from(document.querySelectorAll(request.selector));
    if (request.hasText === undefined) return all;
    const wantedText = normalise(request.hasText);
    return all.filter((element) => normalise(element.textContent ?? '').includes(wantedText));
  };
  const isVisible = (element: HTMLElement): boolean => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
  };
  const readingOf = (found: Element[]): ElementReading => {
    if (found.length !== 1) return { count: found.length };
    const element = found[0] as HTMLElement;
    const attributes: Record<string, string> = {};
    for (const attribute of Array.from(element.attributes)) attributes[attribute.name] = attribute.value;
    const enabled = (element as HTMLButtonElement).disabled !== true && element.closest('fieldset[disabled]') === null;
    return {
      count: 1,
      element: { visible: isVisible(element), enabled, text: (element.textContent ?? '').trim(), shownText: (element.innerText ?? '').trim(), attributes },
    };
  };
  const check = (): Ready | Pending => {
    const found = matches();
    const reading = readingOf(found);
    if (request.wanted === 'now') return { kind: 'ready', reading, x: 0, y: 0 };
    const state = reading.element;
    if (state === undefined) return reading.count === 0 ? { reason: 'missing', state: 'no element matches' } : { reason: 'ambiguous', state: `${reading.count} elements match` };
    if (request.attribute !== undefined) {
      const value = state.attributes[request.attribute.name];
      if (value === undefined || !new RegExp(request.attribute.pattern).test(value)) return { reason: 'attribute', state: `its ${request.attribute.name} is ${JSON.stringify(value ?? null)}` };
    }
    if (request.wanted === 'attached') return { kind: 'ready', reading, x: 0, y: 0 };
    if (!state.visible) return { reason: 'hidden', state: 'it is not visible' };
    if (request.wanted === 'visible') return { kind: 'ready', reading, x: 0, y: 0 };
    if (!state.enabled) return { reason: 'disabled', state: 'it is disabled' };
    const element = found[0] as HTMLElement;
    element.scrollIntoView({ block: 'center', inline: 'center' });
    const shown = element.getBoundingClientRect();
    const x = shown.left + shown.width / 2;
    const y = shown.top + shown.height / 2;
    const hit = document.elementFromPoint(x, y);
    if (hit === null || (hit !== element && !element.contains(hit))) return { reason: 'covered', state: 'another element covers its centre' };
    return { kind: 'ready', reading, x, y };
  };
  const first = check();
  if ('kind' in first) return Promise.resolve(first);
  return new Promise((resolve) => {
    let last: Pending = first;
    const finish = (result: PageAnswer): void => {
      observer.disconnect();
      clearTimeout(deadline);
      window.removeEventListener('load', recheck);
      resolve(result);
    };
    const recheck = (): void => {
      const now = check();
      if ('kind' in now) finish(now);
      else last = now;
    };
    const observer = new MutationObserver(recheck);
    observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    // Layout that changes without a mutation (a stylesheet arriving) is settled by the load event.
    window.addEventListener('load', recheck);
    const deadline = setTimeout(() => finish({ kind: 'timeout', ...last }), request.timeoutMs);
  });
}

/**
 * The expression that runs `fn(arg)` in the page. Under tsx (the CLI, the unit tests) esbuild's keepNames wraps the
 * in-page functions' named inner functions in `__name(…)`, which the page does not have: the expression defines it.
 */
function inPage<A, R>(fn: (arg: A) => R, arg: A): string {
  return `(() => { const __name = (target) => target; return (${fn.toString()})(${JSON.stringify(arg)}); })()`;
}

function isDocumentReplaced(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Execution context was destroyed|Cannot find context with specified id|navigation/i.test(message);
}

function describe(query: ElementQuery): string {
  return query.hasText === undefined ? query.selector : `${query.selector} with text "${query.hasText}"`;
}

/** Thrown when an element did not reach the wanted state in time; the message says what it was instead. */
export class ElementWaitTimeout extends Error {
  constructor(readonly query: ElementQuery, readonly wanted: string, readonly reason: NotReady, state: string, url: string, timeoutMs: number) {
    super(`${describe(query)} was not ${wanted} within ${timeoutMs} ms on ${url}: ${state}`);
    this.name = 'ElementWaitTimeout';
  }
}

/** Waits (in the page, across navigations) until the query meets `wanted`; returns what it found and, for `actionable`, the click point. */
async function waitFor(page: Page, request: Omit<PageRequest, 'timeoutMs'>, timeoutMs: number): Promise<Ready> {
  const deadline = Date.now() + timeoutMs;
  let last: Pending = { reason: 'no-document', state: 'the page never had a document to look in' };
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    try {
      const answer = (await page.evaluate(inPage(queryInPage, { ...request, timeoutMs: remaining }))) as PageAnswer;
      if (answer.kind === 'ready') return answer;
      last = answer;
      break;
    } catch (error) {
      if (!isDocumentReplaced(error) || page.isClosed()) throw error;
      // The document went away mid-wait: look again in the one that replaces it.
    }
  }
  throw new ElementWaitTimeout(request, request.wanted, last.reason, last.state, page.url(), timeoutMs);
}

/** A wait that ended ready found exactly one element: its state. */
function stateOf(ready: Ready): ElementState {
  if (ready.reading.element === undefined) throw new Error(`a wait ended ready with ${ready.reading.count} matches`);
  return ready.reading.element;
}

/** Waits until exactly one element matches (and, when given, its attribute matches); returns its state then. */
export async function waitForElement(
  page: Page,
  query: ElementQuery & { attribute?: { name: string; pattern: RegExp } },
  options: { visible?: boolean; timeoutMs: number },
): Promise<ElementState> {
  const { attribute, ...rest } = query;
  const ready = await waitFor(
    page,
    { ...rest, wanted: options.visible === true ? 'visible' : 'attached', ...(attribute === undefined ? {} : { attribute: { name: attribute.name, pattern: attribute.pattern.source } }) },
    options.timeoutMs,
  );
  return stateOf(ready);
}

/** Clicks the element's centre with the mouse once it is unique, visible, enabled and not covered. */
export async function clickElement(page: Page, query: ElementQuery, options: { timeoutMs: number }): Promise<void> {
  const point = await waitFor(page, { ...query, wanted: 'actionable' }, options.timeoutMs);
  await page.mouse.click(point.x, point.y);
}

/** Focuses a text field, selects what it holds and types `value` over it as one input (Playwright's `fill` does the same). */
export async function fillField(page: Page, selector: string, value: string, options: { timeoutMs: number }): Promise<void> {
  await waitFor(page, { selector, wanted: 'visible' }, options.timeoutMs);
  await page.evaluate(inPage(focusAndSelect, selector));
  if (value === '') await page.keyboard.press('Delete');
  else await page.keyboard.insertText(value);
}

/** Runs in the page: focuses the text field and selects its content. */
function focusAndSelect(selector: string): void {
  const field = document.querySelector(selector);
  if (!(field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement)) throw new Error(`${selector} is not a text field`);
  field.focus();
  field.select();
}

/** The query's matches as the page has them now (no waiting). */
export async function readElement(page: Page, query: ElementQuery): Promise<ElementReading> {
  const answer = (await page.evaluate(inPage(queryInPage, { ...query, wanted: 'now', timeoutMs: 0 }))) as PageAnswer;
  return answer.kind === 'ready' ? answer.reading : { count: 0 };
}

/** The page's text as rendered (`document.body.innerText`, trimmed); '' when it shows none in time or the page is gone. */
export async function bodyText(page: Page, timeoutMs = 5_000): Promise<string> {
  try {
    return (await waitForElement(page, { selector: 'body' }, { timeoutMs })).shownText;
  } catch {
    return '';
  }
}
