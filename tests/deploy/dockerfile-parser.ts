/** A Dockerfile read the way `docker build` reads it: continuation lines joined, comments dropped, stages named. */
export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // comments inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  const result: Dockerfile = { globalArgs: {}, stages: [] };
  for (const line of logical) {
    const space = line.search(/\s/);
    const keyword = line.slice(0, space).toUpperCase();
    const args = line.slice(space + 1).trim();
    if (keyword === 'FROM') {
      const [from = '', as, name] = args.split(/\s+/);
      const fromResolved = from.replace(/^\$\{(\w+)\}$/, (_, arg: string) => result.globalArgs[arg] ?? from);
      result.stages.push({
        name: as?.toUpperCase() === 'AS' && name !== undefined ? name : String(result.stages.length),
        from: fromResolved,
        instructions: [],
      });
    } else if (result.stages.length === 0) {
      if (keyword === 'ARG') {
        const [key = '', value = ''] = args.split('=');
        result.globalArgs[key] = value;
      }
    } else {
      result.stages.at(-1)?.instructions.push({ keyword, args });
    }
  }
  return result;
}

/** `KEY=value KEY2=value2` (the ENV form this repository uses) as a record. */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'ENV') continue;
    for (const pair of args.split(/\s+/)) {
      const eq = pair.indexOf('=');
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

export function all(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

export function one(stage: Stage, keyword: string): string {
  const found = all(stage, keyword);
  if (found.length !== 1) throw new Error(`stage ${stage.name} has ${found.length} ${keyword} instructions`);
  return found[0] as string;
}
