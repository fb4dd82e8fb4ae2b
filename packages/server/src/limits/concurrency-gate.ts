/** At most `max` holders at once (long-polls): a fixed number of slots, each a few KiB. */
export class ConcurrencyGate {
  private count = 0;

  constructor(readonly max: number) {}

  tryEnter(): boolean {
    if (this.count >= this.max) return false;
    this.count += 1;
    return true;
  }

  leave(): void {
    this.count = Math.max(0, this.count - 1);
  }

  get open(): number {
    return this.count;
  }
}
