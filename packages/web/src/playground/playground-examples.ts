/** Starting points for the playground, one per typical policy question. */
export const PLAYGROUND_EXAMPLES: ReadonlyArray<{ name: string; action: Record<string, unknown> }> = [
  {
    name: 'Shell: list files',
    action: { agent_id: 'my-agent', tool: 'shell', operation: 'run', params: { cmd: 'ls -la' } },
  },
  {
    name: 'Shell: destructive command',
    action: { agent_id: 'my-agent', tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /var/data' } },
  },
  {
    name: 'Shell: command hidden in a substitution',
    action: { agent_id: 'my-agent', tool: 'shell', operation: 'run', params: { cmd: "ls $(r'm' -r -f /var/data)" } },
  },
  {
    name: 'Stripe: large refund',
    action: { agent_id: 'billing-bot', tool: 'stripe', operation: 'refund', params: { amount: 5000, currency: 'usd' } },
  },
  {
    name: 'HTTP: GET an internal URL',
    action: {
      agent_id: 'my-agent',
      tool: 'http',
      operation: 'get',
      params: { url: 'https://internal.example.com/api/users' },
    },
  },
  {
    name: 'Hidden characters',
    action: { agent_id: 'my-agent', tool: 'shell', operation: 'run', params: { cmd: 'echo safe \u202e; rm -rf ~ #' } },
  },
];

export const POLICY_TEMPLATE = `rules:
  # Every command the line would run counts, also inside $(…), bash -c, sudo, xargs, find -exec.
  - match:
      tool: "shell"
      op: "run"
      any_command: [rm, shred, dd, "mkfs*"]
    deny: true
    description: "Destructive shell commands are never allowed"

  - match:
      tool: "shell"
      op: "*"
    require_approval: true
    description: "Shell commands need a human"

  - match:
      tool: "http"
      op: "get"
    allow: true
    description: "Read-only HTTP"

risk:
  rules:
    - name: dangerous_shell
      when:
        tool: shell
        any_command: [shutdown, reboot, poweroff]
      risk_level: high
`;
