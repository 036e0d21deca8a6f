"""Domain events: every state change is emitted once, as a typed action.

`emit(db, Action.X, target_type, target_id, ...)` writes the audit row and, for every job
handler subscribed to that action, an outbox job, all in the caller's transaction: the audit
trail and the follow-up work exist exactly when the change was committed. Later features
(notifications, webhooks, quality, pay) subscribe instead of being called from the services.
"""

from labelpool.events.actions import Action
from labelpool.events.emit import SUBSCRIBERS, emit, subscribe

__all__ = ["SUBSCRIBERS", "Action", "emit", "subscribe"]
