import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
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
  // Only what a request needs (urlToHttpOptions also gives href, search, hash: copied on every POST).
  const { protocol, hostname, port, path, auth } = urlToHttpOptions(url);
  const options: RequestOptions = { protocol, hostname, port, path, method: 'POST' };
  if (auth !== undefined) options.auth = auth;
  return { https: url.protocol === 'https:', options };
}

/**
 * The POSTs in flight under each stop signal, destroyed when it aborts: one listener per signal,
 * not one per POST (an AbortSignal listener per request doubled a POST's CPU).
 */
const inflight = new WeakMap<AbortSignal, Set<ClientRequest>>();

function interruptible(signal: AbortSignal, request: ClientRequest): () => void {
  let requests = inflight.get(signal);
  if (requests === undefined) {
    const set = new Set<ClientRequest>();
    requests = set;
    inflight.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        for (const r of set) r.destroy(new Error('the delivery was interrupted'));
        set.clear();
      },
      { once: true },
    );
  }
  requests.add(request);
  return () => requests.delete(request);
}

/** No answer's head arrived within the timeout (the request was destroyed). */
export class PostTimeout extends Error {}

/**
 * POSTs `body` (`headers` is the caller's own object: its content-length is set here) and resolves
 * with the answer's status as soon as its head arrives; never follows a redirect and never keeps
 * more than `DRAIN_BYTES` of the answer's body. Rejects on a network
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
    if (signal.aborted) {
      reject(new Error('the delivery was interrupted'));
      return;
    }
    headers['content-length'] = String(Buffer.byteLength(body));
    const request = send({ ...target.options, agent, headers });
    const done = interruptible(signal, request);
    const timer = setTimeout(() => request.destroy(new PostTimeout()), timeoutMs);
    request.on('response', (answer) => {
      clearTimeout(timer);
      done();
      drain(answer, timeoutMs);
      resolve(answer.statusCode ?? 0);
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      done();
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
