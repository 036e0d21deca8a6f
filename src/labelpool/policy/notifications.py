"""Notifications: each person reads and marks their own; nobody else's exist for them (not even
a platform admin's: a notification is private to its recipient)."""

from __future__ import annotations

from labelpool.accounts.actor import Actor
from labelpool.accounts.roles import Scope
from labelpool.notifications.models import Notification
from labelpool.policy.rules import Rule, Verdict


class NotificationPolicy:
    @staticmethod
    def list_own() -> Rule:
        return Rule.when("notifications.list", Scope.READ, lambda _actor: True, forbidden="")

    @staticmethod
    def change_own() -> Rule:
        """Mark one's notifications read, turn one's e-mails on or off (write scope)."""
        return Rule.when("notifications.change", Scope.WRITE, lambda _actor: True, forbidden="")

    @staticmethod
    def read(notification: Notification, scope: Scope = Scope.READ) -> Rule:
        def decide(actor: Actor) -> Verdict:
            return Verdict.ALLOW if actor.id == notification.user_id else Verdict.HIDE

        return Rule(
            "notifications.read" if scope == Scope.READ else "notifications.mark_read",
            scope,
            decide,
            forbidden="",
            hidden=f"No notification with id {notification.id}.",
        )
