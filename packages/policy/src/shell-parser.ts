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

/** Why a parse produced no tree. */
export type ParseFailure = 'syntax_error' | 'too_costly';

/**
 * Parses `text` as bash and hands the root node to `use`; the tree lives in WebAssembly memory and
 * is freed when `use` returns, so no node may escape it.
 *
 * The parse stops at the first syntax error (bash would reject the line anyway, and tree-sitter's
 * error recovery can take quadratic time on hostile input) and after a number of parser steps
 * proportional to the length: a budget counted in steps, not time, so the outcome never depends on
 * the machine's speed.
 */
export function withShellTree<T>(text: string, use: (root: ShellNode) => T): T | ParseFailure {
  let steps = 0;
  let failure: ParseFailure = 'too_costly';
  const budget = 16 + text.length / 4;
  const tree = parser.parse(text, null, {
    progressCallback: (state) => {
      if (state.hasError) failure = 'syntax_error';
      steps += 1;
      return state.hasError || steps > budget;
    },
  });
  if (tree === null) return failure;
  try {
    return use(tree.rootNode);
  } finally {
    tree.delete();
  }
}
