import { isBlankText } from '@faramesh/policy';
import { UsageError } from '../cli-error.js';
import type { Context } from '../context.js';
import { shortId } from '../output/format.js';
import { safeText } from '../output/safe-text.js';
import { type GrantOptions, grantFlagsGiven } from './grant-options.js';

/**
 * `approve <id> --break-glass --reason "…"`: an admin approves a pending action past its approvers
 * and quorum. The approval binds to the request_hash read just before; a review opens that another
 * approver must acknowledge (`faramesh reviews ack`).
 */
export async function breakGlass(
  ctx: Context,
  id: string,
  options: { reason?: string } & GrantOptions,
): Promise<number> {
  // A grant must be made by people who could approve the calls it covers; breaking glass bypasses exactly that.
  const grantFlags = grantFlagsGiven(options);
  if (grantFlags.length > 0) {
    throw new UsageError(
      `--break-glass can't make a standing grant (${grantFlags.join(', ')}): it approves this one action only`,
    );
  }
  // The server's rule, asked here first so a blank reason is a usage error before any request.
  if (options.reason === undefined || isBlankText(options.reason)) {
    throw new UsageError('--break-glass needs --reason "why this cannot wait for the approvers"');
  }
  const action = await ctx.client.breakGlass(id, { reason: options.reason });
  if (ctx.json) {
    ctx.out.json(action);
    return 0;
  }
  const { c } = ctx.out;
  ctx.out.line(
    `${c.red('⚠')} Broke glass: approved ${shortId(action.id)} (${safeText(action.tool)} ${safeText(action.operation)}) past its approvers; review open until another approver runs \`faramesh reviews ack ${shortId(action.id)}\``,
  );
  return 0;
}
