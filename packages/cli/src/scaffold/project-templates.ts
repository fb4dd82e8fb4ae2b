/** Files `faramesh init` writes: a starter policy, one example case file, an .env example. */

export const DEFAULT_POLICY = `# Faramesh policy.
# Rules are evaluated top to bottom; the first match wins; no match means deny.
# Check it with: faramesh policy-validate policies/default.yaml
version: "1"
name: default

rules:
  # Read-only HTTP is the common case for agents and is safe to allow.
  - match:
      tool: "http"
      op: "get"
    allow: true
    description: "Allow HTTP GET requests"
    risk: "low"

  # Shell can do anything on the host: a human looks first.
  - match:
      tool: "shell"
      op: "*"
    require_approval: true
    description: "Shell commands require approval"
    risk: "medium"

  # Default deny, written out so \`faramesh explain\` shows it; keep it last.
  - match:
      tool: "*"
      op: "*"
    deny: true
    description: "Default deny rule"
    risk: "high"

risk:
  rules:
    # High risk turns an allow into require_approval.
    - name: dangerous_shell
      when:
        tool: shell
        operation: run
        # Every command the line would run (also inside $(…), bash -c, sudo, xargs…).
        any_command: [rm, shred, dd, mkfs, "mkfs.*", shutdown, reboot, poweroff]
      risk_level: high

    - name: large_payments
      when:
        tool: stripe
        operation: refund
        amount_gt: 1000
      risk_level: medium
`;

export const DEFAULT_CASES = `# Policy test cases: run them with \`faramesh policy test policies\`.
# Each case is an action and the evaluation you expect; only the fields you give are checked.
name: default policy
policy_file: default.yaml
cases:
  - name: HTTP GET is allowed
    action: { tool: http, op: get, params: { url: "https://example.com" } }
    expect: { decision: allow, risk_level: low, reason: Allow HTTP GET requests }
  - name: shell commands wait for a human
    action: { tool: shell, op: run, params: { cmd: "ls -la" } }
    expect: { decision: require_approval, risk_level: medium }
  - name: destructive shell commands are high risk
    action: { tool: shell, op: run, params: { cmd: "rm -rf /tmp/cache" } }
    expect: { decision: require_approval, risk_level: high, risk_rule: dangerous_shell }
  - name: anything else is denied
    action: { tool: email, op: send }
    expect: { decision: deny, reason: Default deny rule }
`;

export const ENV_EXAMPLE = `# Faramesh configuration. Copy to .env and adjust; real environment variables win over .env.

# Server
FARAMESH_HOST=127.0.0.1
FARAMESH_PORT=8000
# One shared admin token (8+ characters), as in the seeds: whoever holds it may submit and approve the
# same action (no separation of duties). Without any token the server runs in open mode.
# FARAMESH_TOKEN=change-me-please
# Named identities (8+ character tokens): name:role:token, roles agent | approver | admin; nobody
# decides their own action.
# FARAMESH_TOKENS=bot:agent:agent-secret,alice:approver:approver-secret
# An agent token submits only as its own name (and name/...); bind it to other agent ids:
# FARAMESH_AGENT_BINDINGS=bot=support-bot|billing-bot
# Groups, for principal_group: in policies.
# FARAMESH_TOKEN_GROUPS=alice=finance
# CORS for browser apps on other origins (in open mode, list them: * is refused).
# FARAMESH_ENABLE_CORS=1
# FARAMESH_CORS_ORIGINS=http://localhost:3000
# Host names besides localhost that may reach the server (open mode accepts only loopback names).
# FARAMESH_ALLOWED_HOSTS=faramesh.internal
# FARAMESH_DEMO=1
# FARAMESH_HOT_RELOAD=1

# Policy and storage
FARA_POLICY_FILE=policies/default.yaml
FARA_DB_BACKEND=sqlite
FARA_SQLITE_PATH=data/actions.db
# FARA_POSTGRES_DSN=postgres://user:password@localhost:5432/faramesh

# Clients (CLI, SDK)
# FARAMESH_BASE_URL=http://127.0.0.1:8000
`;
