import { Counter, type CounterConfiguration, Gauge, Histogram, Registry } from 'prom-client';
import { TalliedCounter } from './tallied-counter.js';

/** Distinct tool label values kept before folding the rest into "other": tools are agent input. */
const MAX_TOOL_LABELS = 200;

/** The FAQ's metric names, each really incremented, plus a few gauges. One registry per server. */
export class Metrics {
  readonly registry = new Registry();
  private readonly tools = new Set<string>();

  private readonly requestCounts = new TalliedCounter(['method', 'endpoint', 'status']);
  private readonly actionCounts = new TalliedCounter(['status', 'tool']);

  /** Counted through `countRequest` (a tally published when scraped). */
  readonly requests = tallied(this.requestCounts, {
    name: 'faramesh_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'endpoint', 'status'] as const,
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'faramesh_errors_total',
    help: 'Errors answered, by error code',
    labelNames: ['error_type'] as const,
    registers: [this.registry],
  });

  /** Counted through `countAction` (a tally published when scraped). */
  readonly actions = tallied(this.actionCounts, {
    name: 'faramesh_actions_total',
    help: 'Actions entering each status, by tool',
    labelNames: ['status', 'tool'] as const,
    registers: [this.registry],
  });

  readonly expirations = new Counter({
    name: 'faramesh_expirations_total',
    help: 'Actions expired, by the status they left: pending_approval (no decision in time) or approved (not started in time)',
    labelNames: ['from'] as const,
    registers: [this.registry],
  });

  readonly breakGlass = new Counter({
    name: 'faramesh_break_glass_total',
    help: 'Pending actions force-approved by an admin breaking glass (each opens a review)',
    registers: [this.registry],
  });

  readonly breakGlassReviews = new Counter({
    name: 'faramesh_break_glass_reviews_acknowledged_total',
    help: 'Break-glass reviews acknowledged by another approver',
    registers: [this.registry],
  });

  readonly cancellations = new Counter({
    name: 'faramesh_cancellations_total',
    help: 'Actions withdrawn by their submitter or an admin, by the status they left',
    labelNames: ['from'] as const,
    registers: [this.registry],
  });

  readonly actionDuration = new Histogram({
    name: 'faramesh_action_duration_seconds',
    help: 'Execution time of actions, from start to reported result',
    labelNames: ['tool', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly decisionLatency = new Histogram({
    name: 'faramesh_decision_latency_seconds',
    help: 'Time from an approval request to the human decision',
    labelNames: ['outcome'] as const,
    buckets: [1, 5, 15, 30, 60, 300, 900, 3600, 14400],
    registers: [this.registry],
  });

  readonly streamClients = new Gauge({
    name: 'faramesh_sse_clients',
    help: 'Open SSE connections',
    registers: [this.registry],
  });

  readonly policyReloads = new Counter({
    name: 'faramesh_policy_reloads_total',
    help: 'Policy reload attempts by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly limitRejections = new Counter({
    name: 'faramesh_limit_rejections_total',
    help: 'Requests refused by a limit (payload_too_large, rate_limited, server_busy, waiters, policy_too_large, playground_busy, policy_too_complex)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly sseCutOffs = new Counter({
    name: 'faramesh_sse_cutoffs_total',
    help: 'SSE connections cut off because they fell too far behind (they resume with Last-Event-ID)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly notifications = new Counter({
    name: 'faramesh_notifications_total',
    help: 'Notification delivery attempts by channel and outcome (delivered, retrying, dead)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly notificationLatency = new Histogram({
    name: 'faramesh_notification_delivery_seconds',
    help: 'Time from a notification being queued (with its event) to its delivery, by channel',
    labelNames: ['channel'] as const,
    buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });

  /** Bytes held by each bounded in-memory structure, and callers tracked by the rate limiter. */
  watchBounds(read: () => { bytes: Record<string, number>; rateLimiterCallers: number }): void {
    new Gauge({
      name: 'faramesh_bounded_bytes',
      help: 'Bytes held by each bounded in-memory structure (estimated; see docs/architecture.md)',
      labelNames: ['structure'] as const,
      registers: [this.registry],
      collect() {
        for (const [structure, bytes] of Object.entries(read().bytes)) this.set({ structure }, bytes);
      },
    });
    new Gauge({
      name: 'faramesh_rate_limiter_callers',
      help: 'Callers (principals, or client IPs in open mode) the rate limiter tracks',
      registers: [this.registry],
      collect() {
        this.set(read().rateLimiterCallers);
      },
    });
  }

  /**
   * Actions by current status, read from the store at scrape time (exact across restarts and
   * replicas, unlike a gauge kept in memory). `faramesh_pending_approvals` is the approver queue.
   */
  watchStore(countByStatus: () => Promise<Record<string, number>>): void {
    // One query per scrape serves both gauges; a database that can't answer leaves them empty
    // rather than failing the whole /metrics page.
    let last: { at: number; counts: Promise<Record<string, number>> } | null = null;
    const counts = (): Promise<Record<string, number>> => {
      const now = Date.now();
      if (last === null || now - last.at > 1000) {
        last = { at: now, counts: countByStatus().catch(() => ({})) };
      }
      return last.counts;
    };
    new Gauge({
      name: 'faramesh_actions_by_status',
      help: 'Stored actions by current status',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [status, count] of Object.entries(await counts())) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'faramesh_pending_approvals',
      help: 'Actions waiting for a human decision',
      registers: [this.registry],
      async collect() {
        this.set((await counts()).pending_approval ?? 0);
      },
    });
  }

  countAction(status: string, tool: string): void {
    this.actionCounts.add(status, this.toolLabel(tool));
  }

  /** One answered HTTP request: `endpoint` is the route's pattern (or "unmatched"), never the raw URL. */
  countRequest(method: string, endpoint: string, status: number): void {
    this.requestCounts.add(method, endpoint, status);
  }

  observeExecution(tool: string, outcome: 'succeeded' | 'failed', seconds: number): void {
    this.actionDuration.observe({ tool: this.toolLabel(tool), outcome }, Math.max(0, seconds));
  }

  private toolLabel(tool: string): string {
    if (this.tools.has(tool)) return tool;
    if (this.tools.size >= MAX_TOOL_LABELS) return 'other';
    this.tools.add(tool);
    return tool;
  }
}

/** A counter whose values come from `counts` at each scrape. */
function tallied<T extends string>(counts: TalliedCounter, config: CounterConfiguration<T>): Counter<T> {
  return new Counter({
    ...config,
    collect() {
      counts.publish(this as unknown as Counter<string>);
    },
  });
}
