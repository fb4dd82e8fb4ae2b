import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

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

/**
 * POSTs `body` and resolves with the answer's status as soon as its head arrives; never follows a
 * redirect and never keeps more than `DRAIN_BYTES` of the answer's body. Rejects on a network error
 * or when `signal` aborts before the head arrives.
 */
export function postForStatus(
  agent: HttpAgent,
  url: URL,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
  drainMs: number,
): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        agent,
        signal,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (answer) => {
        drain(answer, drainMs);
        resolve(answer.statusCode ?? 0);
      },
    );
    request.on('error', reject);
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
