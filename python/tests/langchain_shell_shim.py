"""Stand-in for `langchain.tools.ShellTool`, which the seed README imports.

ShellTool left the `langchain` package (it now lives in langchain-community's experimental tools), so
`from langchain.tools import ShellTool` cannot resolve against current releases. The seed test installs
this module as `langchain.tools` only when no `langchain` package is installed. It behaves like the
original: a langchain-core tool named `terminal` that runs `commands` in a shell.
"""

from __future__ import annotations

import subprocess
from typing import List, Type, Union

from langchain_core.tools import BaseTool
from pydantic import BaseModel, Field


class ShellInput(BaseModel):
    commands: Union[str, List[str]] = Field(..., description="Shell commands to run")


class ShellTool(BaseTool):
    name: str = "terminal"
    description: str = "Run shell commands on this machine."
    args_schema: Type[BaseModel] = ShellInput

    def _run(self, commands: Union[str, List[str]], **_: object) -> str:
        script = commands if isinstance(commands, str) else " ; ".join(commands)
        done = subprocess.run(script, shell=True, capture_output=True, text=True, timeout=30)
        return done.stdout + done.stderr
