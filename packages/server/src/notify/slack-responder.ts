import { escapeMrkdwn } from './slack-blocks.js';

/**
 * Sends ephemeral answers ("not allowed", "you approved…") to Slack's `response_url` of an
 * interaction, after the interaction itself was acknowledged. Only to Slack's own hooks host (or the
 * configured Web API origin, e.g. a stand-in or a proxy), so a response_url can't make the server
 * call anywhere else; best effort (an ephemeral answer has no one to retry for), with a timeout and
 * at most `maxInFlight` at once (more are dropped).
 */
export class SlackResponder {
  readonly #inflight = new Set<Promise<void>>();

  constructor(
    private readonly apiUrl: URL,
    private readonly options: { timeoutMs: number; maxInFlight: number } = { timeoutMs: 3000, maxInFlight: 64 },
  ) {}

  /** Whether `url` is a response_url this server will post to. */
  allows(url: string): boolean {
    try {
      const parsed = new URL(url);
      if (parsed.username !== '' || parsed.password !== '') return false;
      return (
        (parsed.protocol === 'https:' && parsed.hostname === 'hooks.slack.com') || parsed.origin === this.apiUrl.origin
      );
    } catch {
      return false;
    }
  }

  respond(url: string, text: string): void {
    if (!this.allows(url) || this.#inflight.size >= this.options.maxInFlight) return;
    const sent = fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(this.options.timeoutMs),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: escapeMrkdwn(text) }),
    }).then(
      async (response) => {
        await response.body?.cancel().catch(() => {});
      },
      () => {},
    );
    this.#inflight.add(sent);
    void sent.finally(() => this.#inflight.delete(sent));
  }

  /** Waits for answers still on their way (shutdown). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#inflight]);
  }
}
