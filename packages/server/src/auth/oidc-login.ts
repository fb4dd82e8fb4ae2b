import * as client from 'openid-client';
import type { OidcConfig } from '../config/oidc-config.js';
import type { LoginState } from './login-state.js';

/** Seconds any one request to the provider may take. */
const PROVIDER_TIMEOUT_SECONDS = 10;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 60_000;

export interface OidcLoginLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Why a login round trip failed, in words for the person (no secrets, no tokens). */
export class OidcLoginError extends Error {
  override readonly name = 'OidcLoginError';
}

/**
 * The relying-party side of OpenID Connect (authorization code flow with PKCE, `openid-client`).
 * Discovery runs at start; if the provider can't be reached then, the server starts anyway (agents
 * and token logins must not depend on the identity provider) and discovery is retried with backoff
 * until it works, while `/auth/login` answers 503 `sso_unavailable` with the reason.
 */
export class OidcLogin {
  #configuration: client.Configuration | null = null;
  #lastError: string | null = null;
  #retry: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    readonly config: OidcConfig,
    private readonly log: OidcLoginLogger,
  ) {}

  /** True once discovery has succeeded. */
  get available(): boolean {
    return this.#configuration !== null;
  }

  /** Why discovery has not succeeded yet (null when it has, or before the first attempt). */
  get problem(): string | null {
    return this.#configuration === null ? this.#lastError : null;
  }

  /** The first discovery attempt; on failure, retries in the background (1 s doubling to 60 s). */
  async start(): Promise<void> {
    if (await this.#discover()) return;
    this.log.warn(
      `single sign-on unavailable: discovery at ${this.config.issuer} failed (${this.#lastError}); retrying in the background, token logins work meanwhile`,
    );
    this.#scheduleRetry(RETRY_FIRST_MS);
  }

  close(): void {
    this.#closed = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
  }

  /** Starts a login: the provider URL to send the browser to, and what to remember until the callback. */
  async begin(returnTo: string): Promise<{ url: string; login: LoginState }> {
    const configuration = this.#require();
    const verifier = client.randomPKCECodeVerifier();
    const login: LoginState = { state: client.randomState(), nonce: client.randomNonce(), verifier, returnTo };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUri,
      scope: this.config.scopes.join(' '),
      state: login.state,
      nonce: login.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, login };
  }

  /**
   * Finishes a login from the callback's query string: checks state, redeems the code with the PKCE
   * verifier, verifies the ID token (signature, issuer, audience, expiry, nonce) and merges in the
   * UserInfo claims (for the subject the ID token names). Throws OidcLoginError with a reason.
   */
  async finish(search: string, login: LoginState): Promise<Record<string, unknown>> {
    const configuration = this.#require();
    const callback = new URL(this.config.redirectUri);
    callback.search = search;
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw new OidcLoginError(describeProviderError(error));
    }
    const idClaims = tokens.claims();
    if (idClaims === undefined) throw new OidcLoginError('the provider returned no ID token');
    let userInfo: Record<string, unknown> = {};
    if (configuration.serverMetadata().userinfo_endpoint !== undefined) {
      try {
        userInfo = { ...(await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub)) };
      } catch (error) {
        throw new OidcLoginError(`reading your profile from the provider failed: ${describeProviderError(error)}`);
      }
    }
    // The ID token is verified; UserInfo only adds claims it lacks (its `sub` was checked to match).
    return { ...userInfo, ...idClaims };
  }

  /** Where to send the browser to end the session at the provider too, when enabled and supported. */
  endSessionUrl(): string | null {
    const configuration = this.#configuration;
    if (!this.config.providerLogout || configuration === null) return null;
    if (configuration.serverMetadata().end_session_endpoint === undefined) return null;
    return client.buildEndSessionUrl(configuration, {
      client_id: this.config.clientId,
      post_logout_redirect_uri: `${this.config.publicOrigin}/`,
    }).href;
  }

  #require(): client.Configuration {
    if (this.#configuration === null) {
      throw new OidcLoginError(`the identity provider is unavailable (${this.#lastError ?? 'not discovered yet'})`);
    }
    return this.#configuration;
  }

  async #discover(): Promise<boolean> {
    try {
      const secret = this.config.clientSecret;
      this.#configuration = await client.discovery(
        new URL(this.config.issuer),
        this.config.clientId,
        secret ?? undefined,
        secret === null ? client.None() : client.ClientSecretBasic(secret),
        {
          timeout: PROVIDER_TIMEOUT_SECONDS,
          ...(this.config.insecureIssuer && { execute: [client.allowInsecureRequests] }),
        },
      );
      this.#lastError = null;
      return true;
    } catch (error) {
      this.#lastError = describeProviderError(error);
      return false;
    }
  }

  #scheduleRetry(delayMs: number): void {
    if (this.#closed) return;
    this.#retry = setTimeout(() => {
      void this.#discover().then((ok) => {
        if (ok) this.log.info(`single sign-on available: discovered ${this.config.issuer}`);
        else this.#scheduleRetry(Math.min(delayMs * 2, RETRY_MAX_MS));
      });
    }, delayMs);
    this.#retry.unref();
  }
}

/** A one-line reason from what openid-client throws (provider errors carry `error`/`error_description`). */
function describeProviderError(error: unknown): string {
  const e = error as { error?: unknown; error_description?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.error === 'string') {
    return typeof e.error_description === 'string' ? `${e.error}: ${e.error_description}` : e.error;
  }
  const cause = (e.cause as { code?: unknown; message?: unknown } | undefined) ?? undefined;
  const detail = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return `${typeof e.message === 'string' ? e.message : String(error)}${detail}`.slice(0, 500);
}
