"""How a framework tool call becomes a Faramesh `tool`/`operation`/`params` triple."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple

# Framework tool names whose Faramesh name differs, so the shipped policies match them.
KNOWN_TOOLS: Dict[str, Tuple[str, str]] = {
    "terminal": ("shell", "run"),  # langchain_community ShellTool
    "shell": ("shell", "run"),
    "bash": ("shell", "run"),
    "requests_get": ("http", "get"),
    "requests_post": ("http", "post"),
}


def faramesh_name(tool_name: str, tool: Optional[str], operation: Optional[str]) -> Tuple[str, str]:
    """Explicit names win; then the known table; else the framework's tool name and operation `run`."""
    known = KNOWN_TOOLS.get(tool_name)
    default_tool, default_op = known if known else (tool_name, "run")
    return tool or default_tool, operation or default_op


def shell_params(faramesh_tool: str, params: Mapping[str, Any]) -> Dict[str, Any]:
    """For shell tools, also send the command as `params.cmd`, which the server normalizes for pattern rules."""
    out = dict(params)
    if faramesh_tool == "shell" and "cmd" not in out and "command" not in out:
        for key in ("commands", "input", "script"):
            value = out.get(key)
            if isinstance(value, str):
                out["cmd"] = value
                break
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                out["cmd"] = " ; ".join(value)
                break
    return out
