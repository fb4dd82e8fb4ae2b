"""Govern plain Python functions with the Faramesh SDK.

    faramesh serve                                  # in another terminal
    python examples/python/sdk/governed_functions.py

Set FARAMESH_BASE_URL / FARAMESH_TOKEN if your server is elsewhere or has tokens.
"""

from faramesh import ActionDeniedError, ExecutionGovernorClient, governed

client = ExecutionGovernorClient(approval_timeout=120)


@governed(client, tool="http", operation="get", agent_id="example-sdk")
def fetch(url: str) -> str:
    return f"(pretend we fetched {url})"


@governed(client, tool="stripe", operation="refund", agent_id="example-sdk")
def refund(customer: str, amount: int) -> str:
    return f"refunded {amount} to {customer}"


print("http.get  ->", fetch("https://example.com"))  # allowed by policies/default.yaml
try:
    refund("cus_42", 5000)  # no rule allows stripe: denied, the body never runs
except ActionDeniedError as err:
    print("stripe.refund ->", err)

# Anything that needs approval blocks here until someone approves it in the UI or with
# `faramesh approve <id>`; the long-poll returns the moment they click.
# @governed(client, tool="shell", operation="run", agent_id="example-sdk") ...
