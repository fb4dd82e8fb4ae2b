import { describe, expect, it } from 'vitest';
import { hostOfUrl } from './grant-scope.js';
import { plainUrlHost } from './plain-url-host.js';

/** What the WHATWG parser says the host is, or null when it refuses the text. */
function parsedHost(text: string): string | null {
  try {
    return new URL(text).host;
  } catch {
    return null;
  }
}

const TRICKY = [
  'https://api.example.com/items/1',
  'http://api.example.com',
  'https://api.example.com?x=1',
  'https://api.example.com#frag',
  'https://api.example.com:8443/x',
  'https://api.example.com:443/x',
  'http://api.example.com:80/x',
  'http://api.example.com:443/x',
  'https://api.example.com:0443/x',
  'https://api.example.com:65535/',
  'https://api.example.com:65536/',
  'https://api.example.com:/x',
  'https://API.example.com/',
  'HTTPS://api.example.com/',
  'https://api.example.com./',
  'https://.api.example.com/',
  'https://api..example.com/',
  'https://-api.example.com/',
  'https://api-.example.com/',
  'https://xn--nxasmq6b.com/',
  'https://xn--abc.com/',
  'https://127.0.0.1/',
  'https://0x7f.1/',
  'https://127.1/',
  'https://1.2.3.010/',
  'https://a.0x/',
  'https://a.09/',
  'https://localhost:3000/',
  'https://user@api.example.com/',
  'https://user:pw@api.example.com/',
  'https://api.example.com@evil.com/',
  'https://api.example.com:80@evil.com/',
  'https://api.example.com/x@evil.com',
  'https://[::1]:8443/',
  'ftp://api.example.com/',
  'https:api.example.com/',
  'https:/api.example.com/',
  'https:///api.example.com/',
  'https://api.example.com%2f@evil.com/',
  'https://api.exa%6dple.com/',
];

describe('plainUrlHost', () => {
  it('answers only what the URL parser answers, for tricky URLs', () => {
    for (const text of TRICKY) {
      const fast = plainUrlHost(text);
      if (fast !== undefined) expect([text, fast]).toEqual([text, parsedHost(text)]);
    }
  });

  it('answers only what the URL parser answers, for generated URLs', () => {
    const pieces = ['a', 'z', '0', '9', '.', '-', ':', '/', '?', '#', '@', 'x', 'n', '%', 'X', '1', '00', '443', '80'];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    let answered = 0;
    for (let n = 0; n < 20000; n++) {
      let text = next() % 2 === 0 ? 'https://' : 'http://';
      const length = 1 + (next() % 12);
      for (let i = 0; i < length; i++) text += pieces[next() % pieces.length];
      const fast = plainUrlHost(text);
      if (fast === undefined) continue;
      answered += 1;
      expect([text, fast]).toEqual([text, parsedHost(text)]);
    }
    expect(answered).toBeGreaterThan(1000);
  });

  it('answers the common shape itself', () => {
    expect(plainUrlHost('https://api.example.com/items/1')).toBe('api.example.com');
    expect(plainUrlHost('http://svc-1.internal:8080?q')).toBe('svc-1.internal:8080');
  });

  it('leaves hosts the parser rewrites to the parser, which hostOfUrl then asks', () => {
    for (const text of ['https://0x7f.1/', 'https://API.example.com/', 'https://a.com:443/', 'https://a.com./']) {
      expect(plainUrlHost(text)).toBeUndefined();
    }
    expect(hostOfUrl('https://0x7f.1/')).toBe('127.0.0.1');
    expect(hostOfUrl('https://API.example.com:443/')).toBe('api.example.com');
    expect(hostOfUrl('https://user@api.example.com/')).toBeNull();
  });
});
