import type { ToolIndex } from './compiled-policy.js';
import { isLiteralGlob } from './glob.js';

/** Builds the tool index for rules given in file order; `toolOf` returns the rule's `tool` glob, if any. */
export function buildToolIndex<T>(rules: readonly T[], toolOf: (rule: T) => string | undefined): ToolIndex<T> {
  const literalTools = new Set<string>();
  for (const rule of rules) {
    const tool = toolOf(rule);
    if (tool !== undefined && isLiteralGlob(tool)) literalTools.add(tool);
  }
  const byTool = new Map<string, T[]>();
  for (const tool of literalTools) byTool.set(tool, []);
  const anyTool: T[] = [];
  // One pass in file order appends each rule to every list it belongs to, so each list stays ordered.
  for (const rule of rules) {
    const tool = toolOf(rule);
    if (tool !== undefined && isLiteralGlob(tool)) {
      byTool.get(tool)?.push(rule);
    } else {
      anyTool.push(rule);
      for (const list of byTool.values()) list.push(rule);
    }
  }
  return { byTool, anyTool };
}

/** The candidate rules for a tool, in file order. */
export function candidatesFor<T>(index: ToolIndex<T>, tool: string): readonly T[] {
  return index.byTool.get(tool) ?? index.anyTool;
}
