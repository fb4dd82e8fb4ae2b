// Percentiles and number formatting shared by the benchmarks.

/** The p-quantile (0..1) of an ascending-sorted array, nearest rank. */
export function quantile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))];
}

/** { p50, p99, max, n } of unsorted samples. */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  return {
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    n: sorted.length,
  };
}

/** 12345.6 → "12,346" */
export function int(n) {
  return Math.round(n).toLocaleString('en-US');
}

/** A figure with sensible precision: 0.123, 1.23, 12.3, 123 */
export function num(n) {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  return abs >= 100 ? Math.round(n).toString() : abs >= 10 ? n.toFixed(1) : abs >= 1 ? n.toFixed(2) : n.toFixed(3);
}

/** "3.4×" (a / b) */
export function ratio(a, b) {
  return `${num(a / b)}×`;
}

/** Times single decisions for ~seconds (after a warm-up); per-call latency in µs. */
export function measure(decide, actions, seconds) {
  const warm = performance.now();
  for (let i = 0; performance.now() - warm < seconds * 200; i++) decide(actions[i % actions.length]);
  const samples = [];
  const started = performance.now();
  let i = 0;
  while (performance.now() - started < seconds * 1000) {
    const t0 = performance.now();
    decide(actions[i % actions.length]);
    samples.push((performance.now() - t0) * 1000);
    i++;
  }
  const elapsed = (performance.now() - started) / 1000;
  return { ...summarize(samples), perSecond: i / elapsed };
}

/**
 * ns per decision over `n` calls in a tight loop (no clock read per call, which costs more than a
 * bare decision). Results are kept in a ring, so the optimizer can't drop the objects they are.
 */
export function nsPerCall(decide, actions, n) {
  const kept = new Array(1024);
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) kept[i & 1023] = decide(actions[i % actions.length]);
  const elapsed = Number(process.hrtime.bigint() - started);
  if (kept[0] === undefined) throw new Error('the decision returned nothing');
  return elapsed / n;
}

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
