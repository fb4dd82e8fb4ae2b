import type { CompiledPolicy, LoadPolicyOptions } from '@faramesh/policy';
import type { PolicyHolder, ReloadOutcome } from '../policy/policy-holder.js';
import type { ChannelsReload, ChannelsReloadOutcome } from './channels-reload.js';

/** A policy reload's outcome, with the channels file's when it was read again too. */
export type PolicyAndChannelsOutcome = ReloadOutcome & { channels?: ChannelsReloadOutcome };

/** Every channel the rules' `notify:` names: what a channels reload may not remove. */
export function notifiedChannels(policy: CompiledPolicy): string[] {
  return policy.rules.flatMap((rule) => rule.notify ?? []);
}

/**
 * Reloads the policy and FARAMESH_CHANNELS_FILE together, so that a policy naming a channel added in
 * the same change loads: the policy is checked against the new channels; when it loads only with
 * the old ones (the new file drops a channel it names), it loads with those and the channels are
 * refused. Channels that reload become the names later policies (and the shadow policy) are checked against.
 */
export async function reloadPolicyAndChannels(deps: {
  policy: PolicyHolder;
  channels: ChannelsReload;
  /** The load options the policy holder and the shadow policy share. */
  loadOptions: LoadPolicyOptions;
}): Promise<PolicyAndChannelsOutcome> {
  const candidate = deps.channels.prepare();
  if (candidate === null) return deps.policy.reload();
  let outcome = await deps.policy.reload(candidate.ok ? candidate.names : undefined);
  if (!outcome.ok && candidate.ok) outcome = await deps.policy.reload();
  const channels = deps.channels.commit(candidate, notifiedChannels(deps.policy.current()));
  if (channels.ok && candidate.ok) deps.loadOptions.channels = candidate.names;
  return { ...outcome, channels };
}
