import { ConfigError, type ServerConfig } from './config.js';
import { isLoopbackBind } from './host-config.js';

/**
 * Open mode (no tokens) makes every caller an admin, so it is only safe where nobody else can
 * connect. On a non-loopback address the server refuses to start unless FARAMESH_ALLOW_OPEN_NETWORK
 * says the exposure is intended (e.g. a container whose port is published on the host's loopback
 * only); then it starts with a loud warning. Tokens in the database (`databaseTokens`, counted
 * revoked ones included: they never come back) end open mode as environment tokens do. Returns
 * the warnings to log.
 */
export function checkOpenModeExposure(config: ServerConfig, databaseTokens = 0): string[] {
  if (config.tokens.length > 0 || databaseTokens > 0 || config.oidc !== null || isLoopbackBind(config.host)) return [];
  if (!config.allowOpenNetwork) {
    throw new ConfigError(
      `refusing to start in open mode (no FARAMESH_TOKEN / FARAMESH_TOKENS) on ${config.host}: anyone who can reach it could approve actions. ` +
        'Configure tokens, bind to 127.0.0.1, or set FARAMESH_ALLOW_OPEN_NETWORK=1 if only trusted clients can reach this address',
    );
  }
  return [
    `OPEN MODE ON A NETWORK ADDRESS (${config.host}, FARAMESH_ALLOW_OPEN_NETWORK=1): every client that can connect is an admin and can approve actions`,
  ];
}
