import { parseApproverRef } from '@faramesh/policy';
import type { Store } from '@faramesh/store';
import type { ServerConfig } from '../config/config.js';
import type { PolicyHolder } from '../policy/policy-holder.js';
import { EmailChannel } from './email-channel.js';
import { identityDirectory } from './email-recipients.js';
import { createSmtpSender, type MailSender } from './email-transport.js';

/**
 * The email channels of the configuration, ready to deliver. Refuses to start (naming the key)
 * when a store can't record link uses, or a recipient names a group the policy doesn't declare.
 */
export function emailChannels(
  config: ServerConfig,
  store: Store,
  policy: PolicyHolder,
  now: () => Date,
  senderFor: (smtp: ServerConfig['channels']['email'][number]['smtp']) => MailSender = createSmtpSender,
): EmailChannel[] {
  const { email, emailLinkKey } = config.channels;
  if (email.length === 0) return [];
  const refuse = (message: string) => Object.assign(new Error(message), { code: 'config_invalid' });
  if (store.emailLinks === undefined || emailLinkKey === null || config.publicUrl === null) {
    throw refuse(
      `FARAMESH_CHANNELS_FILE configures email channels, but the ${config.dbBackend} store can't record link uses`,
    );
  }
  const declared = policy.current().groups;
  for (const channel of email) {
    for (const recipient of channel.recipients) {
      if (recipient === 'approvers') continue;
      const parsed = parseApproverRef(recipient, 'approvers');
      if ('ref' in parsed && parsed.ref.kind === 'group' && !Object.hasOwn(declared, parsed.ref.name)) {
        throw refuse(
          `FARAMESH_CHANNELS_FILE: email.${channel.name}.recipients: "${recipient}" is not a group declared in the policy (${config.policyFile}); write group:${recipient} for an identity provider's group`,
        );
      }
    }
  }
  const directory = identityDirectory(config.tokens);
  const publicUrl = config.publicUrl;
  return email.map(
    (channel) =>
      new EmailChannel({
        config: channel,
        linkKey: emailLinkKey,
        publicUrl,
        directory,
        declaredGroups: () => policy.current().groups,
        sender: senderFor(channel.smtp),
        now,
      }),
  );
}
