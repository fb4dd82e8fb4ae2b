import { ErrorCode, type Logger, LogLevel, WebClient } from '@slack/web-api';
import type { SlackConfig } from './slack-config.js';

const SILENT: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/**
 * The Slack Web API client of the configured app: its base URL (a stand-in in tests), the call
 * timeout, no retries of its own (the outbox retries, with backoff, durably) and rate-limited calls
 * rejected rather than waited for, and a silent logger (nothing the client sees reaches the logs).
 */
export function createSlackClient(config: Pick<SlackConfig, 'botToken' | 'apiUrl' | 'timeoutMs'>): WebClient {
  return new WebClient(config.botToken.reveal(), {
    slackApiUrl: config.apiUrl.href,
    timeout: config.timeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    allowAbsoluteUrls: false,
    attachOriginalToWebAPIRequestError: false,
    logger: SILENT,
  });
}

/**
 * A failed Web API call as a short text that is safe to store and show: Slack's error name
 * (`channel_not_found`, `invalid_auth`), the HTTP status or the socket error, never the token, the
 * request or Slack's free text.
 */
export function slackErrorText(error: unknown): string {
  const coded = error as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown; retryAfter?: unknown };
  switch (coded.code) {
    case ErrorCode.PlatformError:
      return `Slack refused: ${safeWord(coded.data?.error)}`;
    case ErrorCode.RateLimitedError:
      return `rate limited by Slack (retry after ${Number(coded.retryAfter) || 0} s)`;
    case ErrorCode.HTTPError:
      return `Slack answered HTTP ${Number(coded.statusCode) || 0}`;
    case ErrorCode.RequestError:
      return 'Slack could not be reached';
    default:
      return 'Slack call failed';
  }
}

/** Slack's error names are short snake_case words; anything else is not repeated. */
function safeWord(value: unknown): string {
  return typeof value === 'string' && /^[a-z0-9_.]{1,64}$/.test(value) ? value : 'unknown_error';
}

/** Whether Slack said the message to update is gone or can no longer be edited (retrying won't help). */
export function isGoneMessage(error: unknown): boolean {
  const coded = error as { code?: unknown; data?: { error?: unknown } };
  return (
    coded.code === ErrorCode.PlatformError &&
    ['message_not_found', 'cant_update_message', 'edit_window_closed', 'channel_not_found', 'is_archived'].includes(
      String(coded.data?.error),
    )
  );
}
