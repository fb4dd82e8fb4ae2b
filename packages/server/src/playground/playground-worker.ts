import { parentPort } from 'node:worker_threads';
import type { ActionInput } from '@faramesh/policy';
import { evaluateInline } from './playground-evaluation.js';

/**
 * The playground's worker thread: compiles pasted policies and evaluates one action under each, so
 * a large or pathological policy costs this thread, never the server's event loop. One job at a time;
 * the server stops the thread when a job runs past its time limit.
 */
parentPort?.on('message', (job: { id: number; source: string; action: ActionInput; usage?: [string, number][] }) => {
  let reply: unknown;
  try {
    reply = { id: job.id, outcome: evaluateInline(job.source, job.action, job.usage) };
  } catch (error) {
    reply = { id: job.id, failure: (error as Error).message };
  }
  parentPort?.postMessage(reply);
});

// Module loading is done: from here on a job's time limit measures only its own work.
parentPort?.postMessage({ ready: true });
