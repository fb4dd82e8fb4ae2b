import { createPostgresStore } from '@faramesh/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../../../store/src/postgres/postgres-cluster.test-support.js';
import { unusedLoopbackPort } from '../testing/free-port.js';
import { startTestServer } from '../testing/test-server.js';

type Replica = Awaited<ReturnType<typeof startTestServer>>;

// Two replicas on one PostgreSQL database: a session opened through one is the same session on the
// other, and a logout through either ends it on both at once (every lookup reads the database).
describeWithPostgres('dashboard sessions across replicas (PostgreSQL)', (cluster) => {
  const replicas: Replica[] = [];

  beforeAll(async () => {
    const dsn = await (await cluster()).createDatabase('sessions');
    const port = await unusedLoopbackPort();
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startTestServer({
          store: createPostgresStore({ dsn }),
          env: {
            FARAMESH_OIDC_ISSUER: `http://127.0.0.1:${port}`,
            FARAMESH_OIDC_CLIENT_ID: 'faramesh',
            FARAMESH_OIDC_ROLES: 'admin=platform-admins',
            FARAMESH_PUBLIC_URL: 'http://faramesh.test',
          },
        }),
      );
    }
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
  });

  it('authenticates a session on every replica, and a logout on one ends it on all', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const id = await a.context.sessions!.open({
      subject: 'https://idp.test root',
      name: 'root@corp.example',
      groups: ['platform-admins'],
      role: 'admin',
    });
    const cookie = { cookie: `faramesh_session=${id}` };
    const whoami = (replica: Replica) => replica.app.inject({ method: 'GET', url: '/v1/auth/whoami', headers: cookie });
    expect((await whoami(b)).json()).toMatchObject({ name: 'root@corp.example', role: 'admin', source: 'oidc' });

    // The CSRF token is derived from the session, so one replica's token is good on the other.
    const csrf = (await b.app.inject({ method: 'GET', url: '/auth/session', headers: cookie })).json().csrf_token;
    const reload = await a.app.inject({
      method: 'POST',
      url: '/v1/policy/reload',
      headers: { ...cookie, 'x-faramesh-csrf': csrf },
    });
    expect(reload.statusCode).toBe(200);

    expect((await b.app.inject({ method: 'POST', url: '/auth/logout', headers: cookie })).json().logged_out).toBe(true);
    expect((await whoami(a)).statusCode).toBe(401);
    expect((await whoami(b)).statusCode).toBe(401);
  });
});
