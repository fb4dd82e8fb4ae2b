/**
 * Roughly the length of `value`'s JSON text, in characters, without building the text: string
 * lengths plus quotes, a few characters per number, literal or separator. Strings count their UTF-16
 * length (escapes and multi-byte characters are not expanded), so this is an estimate, cheap enough
 * for every published event (a 1 MiB string costs one `.length`, not a copy).
 * Walks iteratively: values reach here from stored JSON, but no depth should cost stack.
 */
export function approximateJsonSize(value: unknown): number {
  let size = 0;
  // Only objects and arrays are stacked; leaves are counted where they are found.
  const stack: object[] = [];
  const leaf = (item: unknown): void => {
    if (typeof item === 'string') size += item.length + 2;
    else if (item === null || typeof item !== 'object') size += 8;
    else stack.push(item);
  };
  leaf(value);
  while (stack.length > 0) {
    const item = stack.pop() as object;
    if (Array.isArray(item)) {
      size += 2 + item.length;
      for (let i = 0; i < item.length; i++) leaf(item[i]);
    } else {
      size += 2;
      // for…in rather than Object.keys: no key array per object (values here are plain JSON objects).
      for (const key in item) {
        size += key.length + 4;
        leaf((item as Record<string, unknown>)[key]);
      }
    }
  }
  return size;
}
