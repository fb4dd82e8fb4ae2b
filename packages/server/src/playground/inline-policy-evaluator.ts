import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ActionInput } from '@faramesh/policy';
import { ApiError } from '../http/api-error.js';
import type { InlineOutcome } from './playground-evaluation.js';

export interface InlinePolicyEvaluatorOptions {
  /** A job running longer is stopped (its worker terminated) and answered 422 `policy_too_complex`. */
  timeoutMs: number;
  /** Jobs waiting behind the running one; more are refused with 429 `rate_limited`. */
  maxQueue: number;
  /** Heap of the worker, in MiB: a policy needing more is answered `policy_too_complex`. */
  heapMb?: number;
  /** The worker is stopped after this long without work, releasing its memory. */
  idleMs?: number;
  onRefused?: (limit: 'playground_busy' | 'policy_too_complex') => void;
}

interface Job {
  id: number;
  source: string;
  action: ActionInput;
  /** Usage of limits by key, `[key, used]` pairs. */
  usage: [string, number][];
  resolve: (outcome: InlineOutcome) => void;
  reject: (error: unknown) => void;
}

type WorkerReply = { id: number; outcome: InlineOutcome } | { id: number; failure: string } | { ready: true };

/** A worker that hasn't loaded its modules by then is given up (answered like a timeout). */
const STARTUP_MS = 15_000;

/**
 * Evaluates pasted policies (`POST /playground/eval` with `policy`) on one worker thread, one job at a
 * time, each with a time limit and a bounded queue: compiling a large policy takes hundreds of
 * milliseconds of CPU, which on the server's thread would stall every other request. The worker is
 * started on first use and stopped when idle, after a timeout, or if it dies (out of its heap).
 */
export class InlinePolicyEvaluator {
  private worker: Worker | null = null;
  private ready = false;
  private running: (Job & { timer: NodeJS.Timeout }) | null = null;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private idle: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: InlinePolicyEvaluatorOptions) {}

  /** `usage`: of the pasted policy's limits, by key (see `@faramesh/policy`'s WindowUsage). */
  evaluate(source: string, action: ActionInput, usage: [string, number][] = []): Promise<InlineOutcome> {
    if (this.closed) return Promise.reject(new ApiError('not_ready', 'the server is shutting down'));
    if (this.queue.length >= this.options.maxQueue) {
      this.options.onRefused?.('playground_busy');
      return Promise.reject(
        new ApiError('rate_limited', 'the playground is busy evaluating other pasted policies; retry shortly', {
          retry_after_seconds: 1,
        }),
      );
    }
    return new Promise<InlineOutcome>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, source, action, usage, resolve, reject });
      this.next();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.idle !== null) clearTimeout(this.idle);
    const pending = [...this.queue.splice(0), ...(this.running === null ? [] : [this.running])];
    if (this.running !== null) clearTimeout(this.running.timer);
    this.running = null;
    for (const job of pending) job.reject(new ApiError('not_ready', 'the server is shutting down'));
    await this.stopWorker();
  }

  private next(): void {
    if (this.running !== null || this.closed) return;
    const job = this.queue.shift();
    if (job === undefined) {
      this.idle ??= setTimeout(() => {
        this.idle = null;
        void this.stopWorker();
      }, this.options.idleMs ?? 30_000).unref();
      return;
    }
    if (this.idle !== null) {
      clearTimeout(this.idle);
      this.idle = null;
    }
    const worker = this.ensureWorker();
    if (this.ready) this.dispatch(worker, job);
    else {
      const timer = setTimeout(() => this.fail(job.id, 'timeout'), STARTUP_MS);
      this.running = { ...job, timer };
    }
  }

  /** Sends the job and starts its time limit. */
  private dispatch(worker: Worker, job: Job): void {
    if (this.running !== null) clearTimeout(this.running.timer);
    const timer = setTimeout(() => this.fail(job.id, 'timeout'), this.options.timeoutMs);
    this.running = { ...job, timer };
    worker.postMessage({ id: job.id, source: job.source, action: job.action, usage: job.usage });
  }

  private ensureWorker(): Worker {
    if (this.worker !== null) return this.worker;
    const heapMb = this.options.heapMb ?? 64;
    const worker = new Worker(workerFile(), {
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 16 },
    });
    worker.unref();
    this.ready = false;
    worker.on('message', (reply: WorkerReply) => {
      if (!('ready' in reply)) return this.settle(reply);
      if (this.worker !== worker) return;
      this.ready = true;
      if (this.running !== null) this.dispatch(worker, this.running);
    });
    worker.on('error', () => this.lost(worker, 'died'));
    worker.on('exit', () => this.lost(worker, 'died'));
    this.worker = worker;
    return worker;
  }

  private settle(reply: Exclude<WorkerReply, { ready: true }>): void {
    const job = this.running;
    if (job === null || job.id !== reply.id) return;
    clearTimeout(job.timer);
    this.running = null;
    if ('outcome' in reply) job.resolve(reply.outcome);
    else job.reject(new Error(`playground worker failed: ${reply.failure}`));
    this.next();
  }

  /** The running job took too long or killed its worker: answer it, start over with a fresh worker. */
  private fail(id: number, why: 'timeout' | 'died'): void {
    const job = this.running;
    if (job === null || job.id !== id) return;
    clearTimeout(job.timer);
    this.running = null;
    this.options.onRefused?.('policy_too_complex');
    const detail =
      why === 'timeout' ? `took longer than ${this.options.timeoutMs} ms` : 'needed more memory than allowed';
    job.reject(
      new ApiError('policy_too_complex', `evaluating the submitted policy ${detail}`, {
        timeout_ms: this.options.timeoutMs,
      }),
    );
    void this.stopWorker().then(() => this.next());
  }

  private lost(worker: Worker, why: 'died'): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.running !== null) this.fail(this.running.id, why);
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.ready = false;
    if (worker !== null) await worker.terminate();
  }
}

/** The compiled worker script: beside this file when running from dist, else in the built dist. */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = here.replace(/inline-policy-evaluator\.(ts|js)$/, 'playground-worker.js');
  if (existsSync(sibling)) return sibling;
  const built = sibling.replace(/\/src\/playground\/playground-worker\.js$/, '/dist/playground/playground-worker.js');
  if (existsSync(built)) return built;
  throw new ApiError('not_ready', `the playground worker script is missing (${built}); run the build first`);
}
