import { resolveConfig } from '@faramesh/server';
import { readConfig } from '../../examples/demo-agent/config.mjs';

/** Every environment variable a reader looks at, recorded by handing it an empty, listening env. */
function namesRead(reader: (env: Record<string, string | undefined>) => unknown): Set<string> {
  const read = new Set<string>();
  const env = new Proxy<Record<string, string | undefined>>(
    {},
    {
      get(_target, key) {
        if (typeof key === 'string') read.add(key);
        return undefined;
      },
    },
  );
  reader(env);
  return read;
}

/**
 * The variables `faramesh serve` reads (packages/server/src/config/config.ts), and the one SQLite
 * itself reads: where its temporary files go (SQLITE_TMPDIR, else TMPDIR, else /var/tmp).
 */
export const SERVER_ENV = new Set([...namesRead((env) => resolveConfig({}, env, {}, '/')), 'SQLITE_TMPDIR']);

/** The variables the demo agent reads (examples/demo-agent/config.mjs). */
export const DEMO_AGENT_ENV = namesRead(readConfig);

/** Variables of the Node runtime itself that an image may set. */
export const NODE_ENV_VARS = new Set(['NODE_ENV', 'NODE_OPTIONS']);
