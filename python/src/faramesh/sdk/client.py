"""`ExecutionGovernorClient`: the seed's Python client, plus waiting, streaming and fail-open/closed.

The calls live in one module per idea (actions, approvals, grants, break-glass, policy, shadow, audit,
tokens, notifications, server info, waiting); this class composes them. The import paths of the seed
(`faramesh.sdk.client.ExecutionGovernorClient`) and of this package stay here."""

from __future__ import annotations

from .actions import ActionCalls
from .approvals import ApprovalCalls
from .audit import AuditCalls
from .break_glass import BreakGlassCalls
from .client_base import Action
from .fail_open import LOCAL_ID_PREFIX
from .grants import GrantCalls
from .notifications import NotificationCalls
from .page import ActionPage, Page
from .policy import PolicyCalls
from .server_info import ServerInfoCalls
from .shadow import ShadowCalls
from .tokens import TokenCalls
from .waiting import WaitCalls

__all__ = ["LOCAL_ID_PREFIX", "Action", "ActionPage", "ExecutionGovernorClient", "Page"]

class ExecutionGovernorClient(
    ActionCalls,
    WaitCalls,
    ApprovalCalls,
    BreakGlassCalls,
    GrantCalls,
    PolicyCalls,
    ShadowCalls,
    AuditCalls,
    TokenCalls,
    NotificationCalls,
    ServerInfoCalls,
):
    """Client for one Faramesh server.

    Configuration comes from the arguments, else `FARAMESH_BASE_URL` / `FARAMESH_TOKEN` /
    `FARAMESH_TIMEOUT` / `FARAMESH_FAIL_OPEN`, else defaults (`http://127.0.0.1:8000`, no token, 10 s,
    fail-closed). Fail-closed means an unreachable server raises; with `fail_open=True` a submit is let
    through as `allowed` and queued, and the queue is replayed (same Idempotency-Key) once the server answers.
    """

    def __repr__(self) -> str:
        return f"ExecutionGovernorClient({self.base_url!r}, fail_open={self.config.fail_open})"
