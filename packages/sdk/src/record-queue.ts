import type { ResultRequest, SubmitActionRequest } from '@faramesh/contract';
import type { FarameshClient } from './client.js';
import { FarameshError } from './errors.js';
import { isUnreachable } from './reachability.js';

/** A call that ran without reaching the server (fail-open), to be submitted once it is back. */
export interface UnrecordedCall {
  kind: 'submission';
  request: SubmitActionRequest;
  /** The key of the original attempt: if that attempt did reach the server, this finds its action. */
  idempotencyKey: string;
  outcome: ResultRequest;
}

/** A result the server did not receive (it went away while the function ran). */
export interface UnreportedResult {
  kind: 'result';
  actionId: string;
  outcome: ResultRequest;
}

export type RecordJob = UnrecordedCall | UnreportedResult;

export interface RecordQueueOptions {
  /** Jobs kept at most; the oldest is dropped beyond it (and reported to onDrop). Default 1 000. */
  maxSize?: number;
  /** First retry delay; doubles up to maxRetryMs. Default 1 000 / 30 000 ms. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Told about every job that will never be recorded, and why. */
  onDrop?: (job: RecordJob, reason: string) => void;
}

/**
 * In-memory queue of records the server has not received yet: fail-open calls and lost results.
 * It retries in the background with backoff (the timer does not keep a process alive), and on
 * every `flush()`. Limits, by design: it lives in this process only (lost on exit or crash), it is
 * bounded, and a fail-open call that the policy would have denied or held for approval is recorded
 * as submitted and decided, without its result (the server accepts results only for allowed or
 * approved actions).
 */
export class RecordQueue {
  private readonly jobs: RecordJob[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private delayMs: number;
  private running: Promise<void> | null = null;
  private readonly maxSize: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;

  constructor(
    private readonly client: FarameshClient,
    private readonly options: RecordQueueOptions = {},
  ) {
    this.maxSize = options.maxSize ?? 1_000;
    this.retryMs = options.retryMs ?? 1_000;
    this.maxRetryMs = options.maxRetryMs ?? 30_000;
    this.delayMs = this.retryMs;
  }

  /** Jobs still waiting for the server. */
  get size(): number {
    return this.jobs.length;
  }

  /** A copy of the waiting jobs, oldest first. */
  pending(): RecordJob[] {
    return [...this.jobs];
  }

  enqueue(job: RecordJob): void {
    this.jobs.push(job);
    while (this.jobs.length > this.maxSize) {
      const dropped = this.jobs.shift();
      if (dropped) this.options.onDrop?.(dropped, `queue full (${this.maxSize})`);
    }
    this.schedule();
  }

  /** Sends what it can now; resolves when the queue is empty or the server is still unreachable. */
  flush(): Promise<void> {
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    while (this.jobs.length > 0) {
      const job = this.jobs[0] as RecordJob;
      try {
        await this.send(job);
      } catch (err) {
        if (isUnreachable(err)) {
          this.schedule();
          return;
        }
        this.options.onDrop?.(job, err instanceof Error ? err.message : String(err));
      }
      this.jobs.shift();
      this.delayMs = this.retryMs;
    }
    this.cancel();
  }

  private async send(job: RecordJob): Promise<void> {
    if (job.kind === 'result') {
      await this.report(job.actionId, job.outcome);
      return;
    }
    const action = await this.client.submitAction(job.request, { idempotencyKey: job.idempotencyKey });
    if (action.status === 'allowed' || action.status === 'approved') {
      await this.report(action.id, job.outcome);
      return;
    }
    this.options.onDrop?.(job, `recorded as ${action.id} (${action.status}); its result can't be reported`);
  }

  private async report(actionId: string, outcome: ResultRequest): Promise<void> {
    try {
      await this.client.reportResult(actionId, outcome);
    } catch (err) {
      // Already recorded by an earlier attempt whose answer was lost.
      if (err instanceof FarameshError && err.code === 'invalid_transition') return;
      throw err;
    }
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.maxRetryMs);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delay);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

const queues = new WeakMap<FarameshClient, RecordQueue>();

/** The record queue shared by every governed function of one client. */
export function recordQueueOf(client: FarameshClient): RecordQueue {
  let queue = queues.get(client);
  if (!queue) {
    queue = new RecordQueue(client);
    queues.set(client, queue);
  }
  return queue;
}
