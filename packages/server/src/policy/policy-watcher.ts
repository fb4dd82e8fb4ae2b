import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` after the policy file changes. It watches the directory, not the file: editors
 * save atomically (write a temp file, rename it over the old one), which replaces the inode a
 * file watch would be attached to. Bursts of events are debounced into one call.
 */
export function watchPolicyFile(file: string, onChange: () => void, debounceMs = 150): { close(): void } {
  const name = basename(file);
  let timer: NodeJS.Timeout | null = null;
  const watcher: FSWatcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
    if (changed !== null && changed.toString() !== name) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, debounceMs);
  });
  watcher.on('error', () => {
    // The directory went away; nothing to watch until restart. The active policy stays.
  });
  return {
    close() {
      if (timer !== null) clearTimeout(timer);
      watcher.close();
    },
  };
}
