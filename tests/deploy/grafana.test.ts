import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, openStream, ROOT, type RunningServer, startServer } from '../e2e/harness.js';
import { parseExposition, type Sample } from './prometheus-text.js';
import { selectorsOf } from './promql-selectors.js';

interface Panel {
  id: number;
  title: string;
  type: string;
  datasource: { uid: string };
  targets: { expr: string; refId: string }[];
}

const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/faramesh-dashboard.json'), 'utf8')) as {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string }[] };
};
const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));

let server: RunningServer;
let samples: Sample[];

/** Every kind of traffic the dashboard shows: each decision, execution results, approvals, a cancel, an expiry, errors, a reload, a live stream. */
async function traffic(url: string): Promise<void> {
  const submit = (tool: string, operation: string, params: object) =>
    api(url, '/v1/actions', { body: { agent_id: 'metrics-test', tool, operation, params } });
  for (const success of [true, false]) {
    const allowed = await submit('http', 'get', { url: 'https://example.com' });
    await api(url, `/v1/actions/${allowed.json.id}/start`, { method: 'POST' });
    await api(url, `/v1/actions/${allowed.json.id}/result`, { body: { success } });
  }
  await submit('stripe', 'refund', { amount: 10 });
  for (const approve of [true, false]) {
    const held = await submit('shell', 'run', { cmd: 'ls' });
    await api(url, `/v1/actions/${held.json.id}/approval`, { body: { token: held.json.approval_token, approve } });
  }
  const withdrawn = await submit('shell', 'run', { cmd: 'df -h' });
  await api(url, `/v1/actions/${withdrawn.json.id}/cancel`, { method: 'POST' });
  const expiring = await submit('shell', 'run', { cmd: 'uptime' });
  for (let i = 0; i < 100; i++) {
    // FARAMESH_APPROVAL_TTL=1: expires a second after submission
    if ((await api(url, `/v1/actions/${expiring.json.id}`)).json.status === 'expired') break;
    await sleep(100);
  }
  await api(url, '/v1/actions', { body: { agent_id: '' } });
  await api(url, '/v1/policy/reload', { method: 'POST' });
}

let receiver: Server;

/** A webhook receiver that says 204, and a channels file sending it every event. */
async function webhookChannel(): Promise<Record<string, string>> {
  receiver = createServer((req, res) => {
    req.resume();
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address() as AddressInfo;
  const file = join(mkdtempSync(join(tmpdir(), 'faramesh-grafana-')), 'channels.yaml');
  writeFileSync(
    file,
    `webhooks:\n  ops:\n    url: http://127.0.0.1:${address.port}/hook\n    events: ['*']\n    secret_env: OPS_SECRET\ndelivery: { poll_ms: 50 }\n`,
  );
  return { FARAMESH_CHANNELS_FILE: file, OPS_SECRET: `whsec_${Buffer.alloc(32, 3).toString('base64')}` };
}

beforeAll(async () => {
  server = await startServer({ env: { FARAMESH_APPROVAL_TTL: '1', ...(await webhookChannel()) } });
  const stream = openStream(`${server.url}/v1/events`);
  await traffic(server.url);
  await stream.waitFor(1);
  // Notifications are delivered off the request path: wait until the delivery series exist.
  let text = '';
  for (let i = 0; i < 100 && !text.includes('faramesh_notification_delivery_seconds_bucket'); i++) {
    await sleep(100);
    text = await (await fetch(`${server.url}/metrics`)).text();
  }
  samples = parseExposition(text);
  await stream.close();
});
afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('Grafana dashboard', () => {
  it('queries a Prometheus data source chosen at import', () => {
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax
    for (const panel of dashboard.panels) expect(panel.datasource.uid).toBe('${datasource}');
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });

  it('shows throughput, decisions, pending approvals, approval latency, errors and SSE clients', () => {
    const all = exprs.map((e) => e.expr).join('\n');
    for (const metric of [
      'faramesh_requests_total',
      'faramesh_actions_total{status=~"allowed|denied|pending_approval',
      'faramesh_decision_latency_seconds_bucket',
      'faramesh_errors_total',
      'faramesh_sse_clients',
      'faramesh_action_duration_seconds_bucket',
    ]) {
      expect(all).toContain(metric);
    }
  });

  it("queries only series a real server's /metrics exposes after traffic, with labels and values it uses", () => {
    expect(samples.length).toBeGreaterThan(0);
    for (const { panel, expr } of exprs) {
      const { selectors, groupBy } = selectorsOf(expr);
      expect(selectors.length, panel).toBeGreaterThan(0);
      for (const selector of selectors) {
        const series = samples.filter((s) => s.name === selector.metric);
        expect(series.length, `${panel}: ${selector.metric}`).toBeGreaterThan(0);
        for (const m of selector.matchers) {
          const values = series.map((s) => s.labels[m.label]).filter((v) => v !== undefined);
          expect(values.length, `${panel}: ${selector.metric} has no label ${m.label}`).toBeGreaterThan(0);
          if (m.op === '=') expect(values, `${panel}: ${selector.metric}{${m.label}="${m.value}"}`).toContain(m.value);
          if (m.op === '=~') {
            for (const alternative of m.value.split('|').filter((a) => /^\w+$/.test(a))) {
              expect(values, `${panel}: ${selector.metric}{${m.label}=~…${alternative}…}`).toContain(alternative);
            }
          }
        }
        for (const label of groupBy) {
          expect(
            series.some((s) => label in s.labels),
            `${panel}: ${selector.metric} by ${label}`,
          ).toBe(true);
        }
      }
    }
  });
});
