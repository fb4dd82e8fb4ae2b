# Verbatim from the FaraCore README (seeds/faracore-readme.md), section "SDK Integration, Python SDK".
# Do not edit: tests/test_seed_examples.py runs this file as written.
from faracore.sdk.client import ExecutionGovernorClient

# Initialize client
client = ExecutionGovernorClient("http://127.0.0.1:8000")

# Submit action
action = client.submit_action(
    tool="shell",
    operation="run",
    params={"cmd": "echo 'Hello World'"},
    context={"agent_id": "my-agent"}
)

# Check status
print(f"Status: {action['status']}")
print(f"Risk Level: {action.get('risk_level')}")
print(f"Decision: {action.get('decision')}")

# If pending approval, wait and check
if action['status'] == 'pending_approval':
    import time
    while True:
        time.sleep(2)
        updated = client.get_action(action['id'])
        if updated['status'] in ('approved', 'denied'):
            break
    print(f"Final status: {updated['status']}")

# Report result
client.report_result(
    action['id'],
    success=True,
    error=None
)
