"""What a command runs with: output, global flags, and (lazily) the connection and the SDK client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..sdk.client import ExecutionGovernorClient
from .connection import Connection, resolve_connection
from .printer import Io, Printer


@dataclass
class GlobalFlags:
    host: Optional[str] = None
    port: Optional[str] = None
    token: Optional[str] = None
    json: bool = False


class Context:
    def __init__(self, io: Io, flags: GlobalFlags) -> None:
        self.io = io
        self.flags = flags
        self.out = Printer(io)
        self._connection: Optional[Connection] = None
        self._client: Optional[ExecutionGovernorClient] = None

    @property
    def json(self) -> bool:
        return self.flags.json

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            f = self.flags
            self._connection = resolve_connection(host=f.host, port=f.port, token=f.token, env=self.io.env, cwd=self.io.cwd)
        return self._connection

    @property
    def client(self) -> ExecutionGovernorClient:
        if self._client is None:
            conn = self.connection
            # One quick retry: a person is waiting, and an unreachable server should say so fast.
            self._client = ExecutionGovernorClient(conn.base_url, conn.token, max_retries=1)
        return self._client
