import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';

/**
 * Bytes of an answer's body read (and thrown away) so that its connection can carry the next POST;
 * a longer body, or one still unfinished after the timeout, closes the connection instead.
 */
const DRAIN_BYTES = 64 * 1024;
/** An idle kept-alive connection is closed after this long. */
const IDLE_MS = 15_000;

/** The connections of one endpoint: kept alive between deliveries (a fresh TCP/TLS setup per POST costs far more than the POST). */
export function keepAliveAgent(url: URL): HttpAgent {
  const options = { keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' as const };
  return url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
}

/** Where one endpoint's POSTs go, worked out once from its URL (not on every delivery). */
export interface PostTarget {
  https: boolean;
  options: RequestOptions;
}

export function postTarget(url: URL): PostTarget {
  return { https: url.protocol === 'https:', options: { ...urlToHttpOptions(url), method: 'POST' } };
}

/** No answer's head arrived within the timeout (the request was destroyed). */
export class PostTimeout extends Error {}

/**
 * POSTs `body` and resolves with the answer's status as soon as its head arrives; never follows a
 * redirect and never keeps more than `DRAIN_BYTES` of the answer's body. Rejects on a network
 * error, with PostTimeout when no head arrived within `timeoutMs`, or when `signal` aborts first.
 * One timer per POST, not an AbortSignal.timeout and AbortSignal.any (several times the CPU).
 */
export function postForStatus(
  agent: HttpAgent,
  target: PostTarget,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<number> {
  const send = target.https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send({
      ...target.options,
      agent,
      signal,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(() => request.destroy(new PostTimeout()), timeoutMs);
    request.on('response', (answer) => {
      clearTimeout(timer);
      drain(answer, timeoutMs);
      resolve(answer.statusCode ?? 0);
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });
}

/** Reads the answer's body away in the background, or closes the connection when that costs too much. */
function drain(answer: IncomingMessage, drainMs: number): void {
  let bytes = 0;
  const timer = setTimeout(() => answer.destroy(), drainMs);
  timer.unref();
  answer.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > DRAIN_BYTES) answer.destroy();
  });
  answer.on('close', () => clearTimeout(timer));
  answer.on('error', () => {});
}
