/**
 * The `refreshBarrier` knob: holds refresh_token grants so that concurrent refreshes of one gateway
 * meet at the IdP (TOKEN-09). A gateway that refreshes once per request (no single flight) sends a
 * second refresh while the first is held: the barrier then opens for all of them at once, in arrival
 * order, so the second presents a refresh token the first has just rotated — reuse, every time, however
 * the two requests were scheduled. A single-flight gateway sends only one: the barrier opens after
 * `maxHoldMs`, which bounds how late a duplicate refresh could still be caught (the absence of a second
 * refresh is not an event anyone can wait for). The hold never decides a verdict on its own: a correct
 * gateway passes whenever it opens.
 */
import type { RefreshBarrierKnob } from './types.js';

/** Why a held refresh went on: enough refreshes met, or the bound passed with fewer. */
export type BarrierRelease = 'parties-met' | 'bound';

export class RefreshBarrier {
  #waiting: ((release: BarrierRelease) => void)[] = [];
  #timer: NodeJS.Timeout | undefined;

  /** Resolves at once when the knob is off, else when the barrier opens; with how it opened (null: not held). */
  arrive(knob: Readonly<RefreshBarrierKnob> | null): Promise<BarrierRelease | null> {
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
