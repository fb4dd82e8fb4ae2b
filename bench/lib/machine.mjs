// The machine line every benchmark prints first: absolute figures drift with the machine and its
// load, so each result carries what it ran on.
import { cpus, loadavg, totalmem } from 'node:os';

/** "2 cores × Intel(R) Xeon(R) …, 7.8 GiB, Node v20.20.2, load 1.23 1.10 0.98" */
export function machineLine() {
  const list = cpus();
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  return `${list.length} cores × ${list[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load ${load}`;
}

/** Prints a benchmark's title and the machine line. */
export function header(title) {
  console.log(`\n## ${title}`);
  console.log(`machine: ${machineLine()}`);
}
