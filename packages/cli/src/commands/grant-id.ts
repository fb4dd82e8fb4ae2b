import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An id prefix as `grants list` prints it (4+ hex characters). */
const PREFIX = /^[0-9a-f]{4,35}$/i;
/** Grants read per page while resolving a prefix (the API's largest page). */
const PAGE = 500;

/**
 * The full id of the grant `id` names: a UUID as given, or the one grant (of any state) whose id
 * starts with a prefix such as the 8 characters `grants list` prints. The API takes full ids only,
 * so the CLI resolves prefixes itself; none or several matches are an error naming them.
 */
export async function resolveGrantId(ctx: Context, id: string): Promise<string> {
  if (UUID.test(id) || !PREFIX.test(id)) return id;
  const prefix = id.toLowerCase();
  const matches: string[] = [];
  let after: string | undefined;
  do {
    const page = await ctx.client.listGrants({ state: 'all', limit: PAGE, ...(after !== undefined && { after }) });
    matches.push(...page.items.map((grant) => grant.id).filter((full) => full.startsWith(prefix)));
    after = page.next_after ?? undefined;
  } while (after !== undefined && matches.length < 2);
  if (matches.length === 1) return matches[0] as string;
  if (matches.length === 0) throw new CliError(`no grant id starts with ${id}`);
  throw new CliError(`${id} names several grants (${matches.join(', ')}): give more of the id`);
}
