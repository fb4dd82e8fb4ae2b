import { createReadStream } from 'node:fs';

export type NumberedLine = { line: number; text: string } | { line: number; error: string };

/**
 * The lines of a file, numbered from 1, read in chunks: a line longer than `maxLineBytes` is
 * reported (and skipped) instead of being buffered whole, so memory stays bounded whatever the file.
 */
export async function* numberedLines(path: string, maxLineBytes: number): AsyncGenerator<NumberedLine> {
  let line = 0;
  let parts: Buffer[] = [];
  let size = 0;
  let overlong = false;
  const take = (part: Buffer) => {
    if (overlong || part.length === 0) return;
    size += part.length;
    if (size > maxLineBytes) {
      overlong = true;
      parts = [];
    } else parts.push(Buffer.from(part));
  };
  const end = (): NumberedLine => {
    line += 1;
    const out: NumberedLine = overlong
      ? { line, error: `line is longer than ${maxLineBytes} bytes` }
      : { line, text: Buffer.concat(parts).toString('utf8') };
    parts = [];
    size = 0;
    overlong = false;
    return out;
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, start)) {
      take(chunk.subarray(start, at));
      yield end();
      start = at + 1;
    }
    take(chunk.subarray(start));
  }
  if (size > 0 || overlong) yield end();
}
