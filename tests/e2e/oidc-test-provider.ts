import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person the test provider knows: they sign in with `login` and `password` on its form. */
export interface TestAccount {
  login: string;
  password: string;
  email: string;
  name: string;
  groups: string[];
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
}

export interface RunningProvider {
  issuer: string;
  /** Logins that reached the provider's form and were accepted (the password checked). */
  logins: string[];
  close(): Promise<void>;
}

/**
 * A real OpenID provider (`oidc-provider`) for end-to-end tests, on a loopback port: discovery,
 * authorization code with PKCE required, signed ID tokens, UserInfo, RP-initiated logout. Its login
 * page is its own: a form whose password is checked against the in-memory accounts (a wrong one is
 * refused), after which consent is granted for the client, as for a first-party application.
 */
export async function startTestProvider(
  accounts: readonly TestAccount[],
  client: TestClient,
  host = 'localhost',
): Promise<RunningProvider> {
  const http: Server = createServer();
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  const issuer = `http://${host}:${(http.address() as AddressInfo).port}`;
  const byLogin = new Map(accounts.map((account) => [account.login, account]));
  const logins: string[] = [];
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [client.redirectUri],
        post_logout_redirect_uris: [client.postLogoutRedirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { methods: ['S256'], required: () => true },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    findAccount: (_ctx, id) => {
      const account = byLogin.get(id);
      if (account === undefined) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: account.email,
          email_verified: true,
          name: account.name,
          preferred_username: account.login,
          groups: account.groups,
        }),
      };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = `<!doctype html><html><body><h1>Sign out of the test provider?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button></body></html>`;
        },
      },
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    cookies: { keys: ['oidc-test-provider-cookie-key'] },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
  } as ConstructorParameters<typeof Provider>[1]);

  const callback = provider.callback();
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
    if (match === null) {
      callback(req, res);
      return;
    }
    void interaction(req, res, match[2] !== undefined).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  async function interaction(req: IncomingMessage, res: ServerResponse, submitted: boolean): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      if (!submitted) return loginForm(res, details.uid, null);
      const form = new URLSearchParams(await readBody(req));
      const account = byLogin.get(form.get('login') ?? '');
      if (account === undefined || account.password !== form.get('password')) {
        return loginForm(res, details.uid, 'Wrong login or password.');
      }
      logins.push(account.login);
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: account.login } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    // Consent, granted for what the client asked: a first-party application.
    const accountId = details.session?.accountId;
    const grant = new provider.Grant({ accountId, clientId: client.clientId });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope !== undefined) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims !== undefined) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  return {
    issuer,
    logins,
    close: () => new Promise<void>((done) => http.close(() => done())),
  };
}

function loginForm(res: ServerResponse, uid: string, error: string | null): void {
  res.statusCode = error === null ? 200 : 401;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><html><head><title>Test identity provider</title></head><body>
<h1>Test identity provider</h1>
${error === null ? '' : `<p role="alert">${error}</p>`}
<form method="post" action="/interaction/${uid}/login">
<label>Username <input name="login" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Continue</button>
</form></body></html>`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 64 * 1024) req.destroy(new Error('form too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
