/**
 * "Is every visible image of the current pair on screen?" — the compare view's `data-painted` flag, which the
 * bench (key press → next pair painted) and the e2e specs wait on.
 *
 * Each mounted image slot registers the URL it currently shows as not ready, and reports ready once that URL
 * has decoded (or failed: a failure is drawn as a message, which is painted too). Readiness is per slot *and*
 * URL, so a late decode of the previous pair's image can never mark the new pair painted. Plain class, no
 * DOM: the view writes the flag where it wants it.
 */
export class PaintTracker {
  private readonly slots = new Map<string, { url: string; ready: boolean }>();
  private painted: boolean | null = null;
  private listener: ((painted: boolean) => void) | null;

  constructor(listener: ((painted: boolean) => void) | null = null) {
    this.listener = listener;
  }

  /** Who hears about changes; a new listener is told the current state at the next evaluate(). */
  setListener(listener: ((painted: boolean) => void) | null): void {
    this.listener = listener;
    this.painted = null;
  }

  /** A slot now shows `url`; not ready until `ready(slot, url)` says so (unless it already was for this URL). */
  show(slot: string, url: string): void {
    const cur = this.slots.get(slot);
    if (cur && cur.url === url) return;
    this.slots.set(slot, { url, ready: false });
  }

  ready(slot: string, url: string): void {
    const cur = this.slots.get(slot);
    if (!cur || cur.url !== url || cur.ready) return;
    cur.ready = true;
    this.evaluate();
  }

  /** The slot shows no image any more (unmounted, or a placeholder message instead). */
  hide(slot: string): void {
    this.slots.delete(slot);
  }

  isPainted(): boolean {
    for (const s of this.slots.values()) if (!s.ready) return false;
    return true;
  }

  /**
   * Recompute and report a change. Called after a render has committed every slot's show/hide (so a pair
   * switch cannot look painted between the old slots leaving and the new ones arriving) and on each ready.
   */
  evaluate(): void {
    const now = this.isPainted();
    if (now === this.painted) return;
    this.painted = now;
    this.listener?.(now);
  }
}
