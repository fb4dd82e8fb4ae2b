# Verbatim from the FaraCore README (seeds/faracore-readme.md), section "Quick Start, 3. Submit Your First Action".
# Do not edit: tests/test_seed_examples.py runs this file as written.
from faracore.sdk.client import ExecutionGovernorClient

client = ExecutionGovernorClient("http://127.0.0.1:8000")

action = client.submit_action(
    tool="shell",
    operation="run",
    params={"cmd": "echo 'Hello FaraCore'"},
    context={"agent_id": "my-agent"}
)

print(f"Status: {action['status']}")
print(f"Risk Level: {action.get('risk_level')}")
