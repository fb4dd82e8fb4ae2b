/** The `.env.example` that `faramesh init` writes (the policy files come from the shipped policies/). */

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
