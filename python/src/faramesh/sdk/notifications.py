"""Notifications: the outbox of messages to channels (webhooks, Slack, email) and their delivery."""

from __future__ import annotations

from typing import Optional, cast

from .client_base import ClientBase, quote_id
from .page import Page, page_of
from .wire_types import Notification


class NotificationCalls(ClientBase):
    """`/v1/outbox`, `/v1/channels/{name}/test` (admin) and an action's notifications (approver/admin)."""

    def action_notifications(self, action_id: str) -> "Page[Notification]":
        """An action's notifications and their delivery state, newest first."""
        return cast("Page[Notification]", page_of(self._get(f"/v1/actions/{quote_id(action_id)}/notifications")))

    def list_notifications(self, state: Optional[str] = None, limit: int = 50) -> "Page[Notification]":
        """Notifications newest first, optionally in one state: ``queued``, ``delivered`` or ``dead``."""
        return cast("Page[Notification]", page_of(self._get("/v1/outbox", {"state": state, "limit": limit})))

    def retry_notification(self, notification_id: str) -> Notification:
        """Re-drive a dead notification (``ConflictError`` ``notification_not_dead`` otherwise)."""
        return cast(Notification, dict(self._post(f"/v1/outbox/{quote_id(notification_id)}/retry")))

    def test_channel(self, name: str) -> Notification:
        """Queue a test message to a configured channel (``NotFoundError`` ``channel_not_found``)."""
        return cast(Notification, dict(self._post(f"/v1/channels/{quote_id(name)}/test")))
