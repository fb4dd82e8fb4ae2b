/**
 * Whether `.dockerignore` keeps a path out of the build context: the patterns this repository uses
 * (`*`, `**`, `!` exceptions; the last matching pattern wins; a match also excludes what is below it).
 */
export function isIgnored(patterns: string[], path: string): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    if (matchesOrParent(pattern, path)) ignored = !negated;
  }
  return ignored;
}

export function readPatterns(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function matchesOrParent(pattern: string, path: string): boolean {
  const regex = toRegex(pattern);
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    if (regex.test(parts.slice(0, i).join('/'))) return true;
  }
  return false;
}

function toRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
