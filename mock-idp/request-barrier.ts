/**
 * The `refreshBarrier` and `codeExchangeBarrier` knobs: hold token requests so that concurrent ones of one gateway
 * meet at the IdP. Refreshes (TOKEN-09) as the example: a refresh is held so that concurrent refreshes
 * meet at the IdP. A gateway that refreshes once per request (no single flight) sends a
 * second refresh while the first is held: the barrier then opens for all of them at once, in arrival
 * order, so the second presents a refresh token the first has just rotated — reuse, every time, however
 * the two requests were scheduled. A single-flight gateway sends only one: the barrier opens after
 * `maxHoldMs`, which bounds how late a duplicate refresh could still be caught (the absence of a second
 * refresh is not an event anyone can wait for). The hold never decides a verdict on its own: a correct
 * gateway passes whenever it opens. Code exchanges (FLOW-07) the same way: a callback delivered twice at once makes
 * a second exchange of its code only at a gateway that uses up the state after the first exchange answered.
 */
import type { BarrierKnob } from './types.js';

/** Why a held refresh went on: enough refreshes met, or the bound passed with fewer. */
export type BarrierRelease = 'parties-met' | 'bound';

export class RequestBarrier {
  #waiting: ((release: BarrierRelease) => void)[] = [];
  #timer: NodeJS.Timeout | undefined;

  /** Resolves at once when the knob is off, else when the barrier opens; with how it opened (null: not held). */
  arrive(knob: Readonly<BarrierKnob> | null): Promise<BarrierRelease | null> {
    if (knob === null) return Promise.resolve(null);
    const opened = new Promise<BarrierRelease>((resolve) => this.#waiting.push(resolve));
    if (this.#waiting.length >= knob.parties) this.#open('parties-met');
    else this.#timer ??= setTimeout(() => this.#open('bound'), knob.maxHoldMs);
    return opened;
  }

  /** Opens for everyone waiting, oldest first (promise continuations run in resolution order). */
  #open(release: BarrierRelease): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve(release);
  }

  /** Lets everything held go on (knobs reset, IdP closing): nothing may stay parked across tests. */
  openAll(): void {
    this.#open('bound');
  }
}
