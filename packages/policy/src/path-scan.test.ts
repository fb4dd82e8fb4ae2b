import { describe, expect, it } from 'vitest';
import {
  isPathKey,
  isPathLooking,
  MAX_PATH_READINGS,
  MAX_SCAN_DEPTH,
  MAX_SCAN_VALUES,
  scanPaths,
} from './path-scan.js';

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { n: value };
  return value;
}

describe('scanPaths', () => {
  it('reads every tool of the filesystem MCP server', () => {
    const calls: Record<string, Record<string, unknown>> = {
      read_file: { path: '/s/a' },
      read_text_file: { path: '/s/a', head: 3 },
      read_media_file: { path: '/s/a.png' },
      read_multiple_files: { paths: ['/s/a', '/s/b'] },
      write_file: { path: '/s/a', content: 'hello\nworld' },
      edit_file: { path: '/s/a', edits: [{ oldText: 'a', newText: 'b' }], dryRun: true },
      create_directory: { path: '/s/d' },
      list_directory: { path: '/s' },
      list_directory_with_sizes: { path: '/s', sortBy: 'size' },
      directory_tree: { path: '/s', excludePatterns: ['**/node_modules'] },
      move_file: { source: '/s/a', destination: '/s/b' },
      search_files: { path: '/s', pattern: '*.txt', excludePatterns: [] },
      get_file_info: { path: '/s/a' },
    };
    for (const [tool, params] of Object.entries(calls)) {
      const set = scanPaths(params);
      expect({ tool, possible: set.possible, unknown: set.unknown, unreadable: set.unreadable }).toEqual({
        tool,
        possible: [],
        unknown: [],
        unreadable: [],
      });
      expect(set.named.length).toBeGreaterThan(0);
    }
    expect(scanPaths(calls.move_file as Record<string, unknown>).named).toEqual([
      { at: 'source', path: '/s/a' },
      { at: 'destination', path: '/s/b' },
    ]);
  });

  it('reports params nested deeper than the bound as unreadable', () => {
    const set = scanPaths({ a: nested(MAX_SCAN_DEPTH + 1, '/x') });
    expect(set.unreadable).toHaveLength(1);
    expect(set.unreadable[0]?.why).toBe(`nested deeper than ${MAX_SCAN_DEPTH} levels`);
  });

  it('reads params nested up to the bound', () => {
    expect(scanPaths({ a: nested(MAX_SCAN_DEPTH - 2, '/x') }).unreadable).toEqual([]);
  });

  it('stops after the value bound and reports it', () => {
    const set = scanPaths({ items: Array.from({ length: MAX_SCAN_VALUES + 1 }, () => 'x') });
    expect(set.unreadable).toEqual([
      { at: `items.${MAX_SCAN_VALUES - 1}`, why: `more than ${MAX_SCAN_VALUES} values in params` },
    ]);
  });

  it('stops after the reading bound and reports it', () => {
    const set = scanPaths({ paths: Array.from({ length: MAX_PATH_READINGS + 1 }, (_, i) => `/p/${i}`) });
    expect(set.named).toHaveLength(MAX_PATH_READINGS);
    expect(set.unreadable).toEqual([
      { at: `paths.${MAX_PATH_READINGS}`, why: `more than ${MAX_PATH_READINGS} path readings in one action` },
    ]);
  });

  it('does not count numbers, booleans and null against the value bound', () => {
    const numbers = Array.from({ length: MAX_SCAN_VALUES * 2 }, (_, i) =>
      i % 3 === 0 ? i : i % 3 === 1 ? true : null,
    );
    expect(scanPaths({ path: '/s/a', vector: numbers })).toEqual({
      named: [{ at: 'path', path: '/s/a' }],
      possible: [],
      unknown: [],
      unreadable: [],
    });
  });

  it('reads only own keys, so a __proto__ key is just a key', () => {
    const params = JSON.parse('{"__proto__": {"path": "/secret/x"}}') as Record<string, unknown>;
    expect(scanPaths(params).named).toEqual([{ at: '__proto__.path', path: '/secret/x' }]);
  });
});

/** Which of `inputs` `predicate` accepts, as a map, so a failure names the input. */
function verdicts(inputs: string[], predicate: (input: string) => boolean): Record<string, boolean> {
  return Object.fromEntries(inputs.map((input) => [input, predicate(input)]));
}

function all(inputs: string[], verdict: boolean): Record<string, boolean> {
  return Object.fromEntries(inputs.map((input) => [input, verdict]));
}

describe('isPathKey', () => {
  it('accepts the listed keys and snake/camel compounds of path words', () => {
    const keys = [
      'path',
      'paths',
      'to',
      'uri',
      'file_path',
      'notebookPath',
      'output_dir',
      'configFile',
      'sourceDirectory',
    ];
    expect(verdicts(keys, isPathKey)).toEqual(all(keys, true));
  });

  it('rejects words that only end in the same letters', () => {
    const keys = ['profile', 'xpath', 'excludePatterns', 'content', 'Path'];
    expect(verdicts(keys, isPathKey)).toEqual(all(keys, false));
  });
});

describe('isPathLooking', () => {
  it('accepts one path-shaped token', () => {
    const texts = [
      '/etc/passwd',
      '/',
      '~/x',
      './x',
      '../x',
      'C:\\x',
      'c:/x',
      '\\\\srv\\share',
      'file:///x',
      '/My Documents/a b.txt',
    ];
    expect(verdicts(texts, isPathLooking)).toEqual(all(texts, true));
  });

  it('rejects code comments, multi-line text and plain words', () => {
    const texts = ['// TODO', '/* x */', '/etc/passwd\nroot', 'hello', 'a/b', 'https://x/y', `/${'a'.repeat(5000)}`];
    expect(verdicts(texts, isPathLooking)).toEqual(all(texts, false));
  });
});
