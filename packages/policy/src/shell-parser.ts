import { createRequire } from 'node:module';
import { Language, type Node, Parser } from 'web-tree-sitter';

/**
 * The bash grammar (tree-sitter-bash, compiled to WebAssembly) loaded once, when this module is
 * first imported: the top-level await keeps `evaluate` synchronous for every importer. Loading reads
 * two .wasm files from node_modules; that is module initialisation, not the decision path.
 */
const require = createRequire(import.meta.url);
await Parser.init();
const bash = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
const parser = new Parser();
parser.setLanguage(bash);

/** A node of a bash syntax tree (tree-sitter). */
export type ShellNode = Node;

/**
 * Parses `text` as bash and hands the root node to `use`; the tree lives in WebAssembly memory and
 * is freed when `use` returns, so no node may escape it. Null when the parser gave up.
 */
export function withShellTree<T>(text: string, use: (root: ShellNode) => T): T | null {
  const tree = parser.parse(text);
  if (tree === null) return null;
  try {
    return use(tree.rootNode);
  } finally {
    tree.delete();
  }
}
