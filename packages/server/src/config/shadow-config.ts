import type { ShadowCompareMode } from '../shadow/shadow-comparison.js';

/** Shadow policy settings (FARAMESH_SHADOW_POLICY, FARAMESH_SHADOW_COMPARE). */
export interface ShadowConfig {
  /** A candidate policy file evaluated beside the active one; null: set through the API, if at all. */
  file: string | null;
  /** What counts as a disagreement: the decision only (default), or also the deciding rule. */
  compare: ShadowCompareMode;
}

export function resolveShadowConfig(
  env: { get: (...names: string[]) => string | undefined; path: (value: string) => string },
  problems: string[],
): ShadowConfig {
  const file = env.get('FARAMESH_SHADOW_POLICY');
  const compare = env.get('FARAMESH_SHADOW_COMPARE') ?? 'decision';
  if (compare !== 'decision' && compare !== 'rule') {
    problems.push(`FARAMESH_SHADOW_COMPARE=${compare} is not supported (use decision or rule)`);
  }
  return { file: file === undefined ? null : env.path(file), compare: compare === 'rule' ? 'rule' : 'decision' };
}
