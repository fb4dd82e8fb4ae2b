import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/harness.js';
import { resolveConnection } from './connection.js';

describe('resolveConnection', () => {
  it('defaults to http://127.0.0.1:8000 without a token', () => {
    expect(resolveConnection({}, {}, tempDir())).toEqual({
      baseUrl: 'http://127.0.0.1:8000',
      token: null,
      tokenSource: null,
    });
  });

  it('prefers flags over environment over .env', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'FARAMESH_HOST=dotenv.host\nFARAMESH_PORT=7000\nFARAMESH_TOKEN=from-dotenv\n');
    expect(resolveConnection({}, {}, dir)).toMatchObject({ baseUrl: 'http://dotenv.host:7000', token: 'from-dotenv' });
    expect(resolveConnection({}, { FARAMESH_PORT: '7100', FARAMESH_TOKEN: 'env' }, dir)).toMatchObject({
      baseUrl: 'http://dotenv.host:7100',
      token: 'env',
    });
    expect(resolveConnection({ port: '7200', token: 'flag' }, { FARAMESH_PORT: '7100' }, dir)).toMatchObject({
      baseUrl: 'http://dotenv.host:7200',
      token: 'flag',
      tokenSource: '--token',
    });
  });

  it('uses FARAMESH_BASE_URL, with --host/--port overriding its parts', () => {
    const env = { FARAMESH_BASE_URL: 'https://gate.example.com:9443/faramesh/' };
    expect(resolveConnection({}, env, tempDir()).baseUrl).toBe('https://gate.example.com:9443/faramesh');
    expect(resolveConnection({ port: '9000' }, env, tempDir()).baseUrl).toBe('https://gate.example.com:9000/faramesh');
  });

  it('reaches a bind-all host on loopback', () => {
    expect(resolveConnection({ host: '0.0.0.0', port: '9000' }, {}, tempDir()).baseUrl).toBe('http://127.0.0.1:9000');
    expect(resolveConnection({ host: '::' }, {}, tempDir()).baseUrl).toBe('http://[::1]:8000');
  });

  it('reads the seed and legacy names, and the first of several tokens', () => {
    expect(resolveConnection({}, { FARACORE_PORT: '1234', FARA_AUTH_TOKEN: 'a,b' }, tempDir())).toMatchObject({
      baseUrl: 'http://127.0.0.1:1234',
      token: 'a',
    });
  });

  it('falls back to the first admin entry of FARAMESH_TOKENS', () => {
    const env = { FARAMESH_TOKENS: 'bot:agent:x,root:admin:se:cret' };
    expect(resolveConnection({}, env, tempDir())).toMatchObject({ token: 'se:cret', tokenSource: 'FARAMESH_TOKENS' });
  });
});
