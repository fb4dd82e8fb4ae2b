/** The demo agent's settings (see config.mjs). */
export interface DemoAgentConfig {
  baseUrl: string;
  token: string | undefined;
  /** Pause between two submissions. */
  intervalMs: number;
  /** Calls submitted but not finished (mostly waiting for an approver) before the agent pauses. */
  maxInFlight: number;
  /** How long one call waits for an approver before giving up (fail closed). */
  approvalTimeoutMs: number;
}

export function readConfig(env: Record<string, string | undefined>): DemoAgentConfig;
