// A demo agent for `docker compose up`: it keeps asking Faramesh before each (simulated) tool call,
// runs only what was allowed or approved, and reports how it went, so the dashboard stays alive.
import {
  ActionDeniedError,
  ApprovalExpiredError,
  ApprovalTimeoutError,
  ConnectionError,
  FarameshClient,
  govern,
} from '@faramesh/sdk';
import { readConfig } from './config.mjs';
import { pickScenario, simulate } from './scenarios.mjs';

const config = readConfig(process.env);
const client = new FarameshClient({
  baseUrl: config.baseUrl,
  ...(config.token !== undefined && { token: config.token }),
});
let inFlight = 0;

/** @param {string} line */
const log = (line) => console.log(`[demo-agent] ${line}`);
const sleep = (/** @type {number} */ ms) => new Promise((done) => setTimeout(done, ms));

async function waitUntilReady() {
  for (;;) {
    try {
      const ready = await client.ready();
      if (ready.ready) return;
    } catch (error) {
      if (!(error instanceof ConnectionError)) throw error;
    }
    log(`waiting for Faramesh at ${config.baseUrl} …`);
    await sleep(1000);
  }
}

/** One governed call: submit, wait for a human if needed, run, report. */
async function act() {
  const scenario = pickScenario();
  const params = scenario.params();
  const label = `${scenario.agentId}: ${scenario.tool} ${scenario.operation} ${JSON.stringify(params)}`;
  const call = govern((/** @type {Record<string, unknown>} */ p) => simulate(scenario, p), {
    client,
    tool: scenario.tool,
    operation: scenario.operation,
    agentId: scenario.agentId,
    context: { demo: true, source: 'examples/demo-agent' },
    approvalTimeoutMs: config.approvalTimeoutMs,
  });
  try {
    await call(params);
    log(`ran   ${label}`);
  } catch (error) {
    if (error instanceof ActionDeniedError) log(`denied ${label}: ${error.message}`);
    else if (error instanceof ApprovalExpiredError || error instanceof ApprovalTimeoutError)
      log(`no decision ${label}`);
    else log(`failed ${label}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    process.exit(0);
  });
}

await waitUntilReady();
log(`submitting to ${config.baseUrl} every ${config.intervalMs} ms; approve shell commands in the dashboard`);
for (;;) {
  if (inFlight < config.maxInFlight) {
    inFlight += 1;
    void act().finally(() => {
      inFlight -= 1;
    });
  }
  await sleep(config.intervalMs);
}
