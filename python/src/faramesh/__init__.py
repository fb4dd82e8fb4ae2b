"""Faramesh Python SDK: govern AI agent tool calls with a self-hosted Faramesh server."""

from .config import ClientConfig
from .errors import (
    ActionCancelledError,
    ActionDeniedError,
    ActionExpiredError,
    ActionNotRunnableError,
    AmbiguousPrefixError,
    ApprovalExpiredError,
    ApprovalTimeoutError,
    ArgumentsChangedError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FarameshConnectionError,
    FarameshError,
    FarameshTimeoutError,
    GovernanceError,
    IdempotencyConflictError,
    InvalidIdError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ServiceUnavailableError,
    ValidationError,
)
from .governed import authorize, governed, run_governed
from .sdk.client import ActionPage, ExecutionGovernorClient, Page
from .sse import EventStream, StreamEvent

Client = ExecutionGovernorClient

__version__ = "0.1.0"
__all__ = [
    "ActionCancelledError",
    "ActionDeniedError",
    "ActionExpiredError",
    "ActionNotRunnableError",
    "ActionPage",
    "AmbiguousPrefixError",
    "ApprovalExpiredError",
    "ApprovalTimeoutError",
    "ArgumentsChangedError",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ClientConfig",
    "ConflictError",
    "EventStream",
    "ExecutionGovernorClient",
    "FarameshConnectionError",
    "FarameshError",
    "FarameshTimeoutError",
    "GovernanceError",
    "IdempotencyConflictError",
    "InvalidIdError",
    "InvalidTransitionError",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "ServiceUnavailableError",
    "StreamEvent",
    "ValidationError",
    "authorize",
    "governed",
    "run_governed",
]
