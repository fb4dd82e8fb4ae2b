"""Wrap a CrewAI tool (pip install "faramesh[crewai]"). Give the GovernedCrewTool to your Agent's tools.

    python examples/python/crewai/governed_tool.py
"""

from typing import Type

from crewai.tools import BaseTool
from pydantic import BaseModel

from faramesh import ActionDeniedError, ExecutionGovernorClient
from faramesh.integrations.crewai import govern_crewai_tool


class RefundInput(BaseModel):
    customer: str
    amount: int


class RefundTool(BaseTool):
    name: str = "refund"
    description: str = "Refund a customer"
    args_schema: Type[BaseModel] = RefundInput

    def _run(self, customer: str, amount: int) -> str:
        return f"refunded {amount} to {customer}"


client = ExecutionGovernorClient()
refund = govern_crewai_tool(RefundTool(), client, agent_id="example-crewai", faramesh_tool="stripe", operation="refund")
try:
    print(refund.run(customer="cus_42", amount=5000))
except ActionDeniedError as err:
    print("denied:", err)  # the default policy denies stripe.*
