import type { Counter } from 'prom-client';

type Level3 = Map<string | number, number>;

/**
 * Counts per combination of two or three label values, kept in nested maps of plain numbers and
 * handed to a prom-client counter only when it is scraped (its `collect`). prom-client's own `inc`
 * builds and validates a label hash string on every call, which a counter bumped on every request
 * doesn't need. Bounded as the labels are: callers pass only values from bounded sets.
 */
export class TalliedCounter {
  private readonly counts = new Map<string, Map<string, Level3>>();

  constructor(private readonly names: readonly [string, string] | readonly [string, string, string]) {}

  add(a: string, b: string, c: string | number = ''): void {
    let level2 = this.counts.get(a);
    if (level2 === undefined) {
      level2 = new Map();
      this.counts.set(a, level2);
    }
    let level3 = level2.get(b);
    if (level3 === undefined) {
      level3 = new Map();
      level2.set(b, level3);
    }
    level3.set(c, (level3.get(c) ?? 0) + 1);
  }

  /** Sets `counter` to these counts (its `collect`: called by the registry on each scrape). */
  publish(counter: Counter<string>): void {
    counter.reset();
    const [first, second, third] = this.names;
    for (const [a, level2] of this.counts) {
      for (const [b, level3] of level2) {
        for (const [c, count] of level3) {
          counter.inc(
            third === undefined ? { [first]: a, [second]: b } : { [first]: a, [second]: b, [third]: String(c) },
            count,
          );
        }
      }
    }
  }
}
