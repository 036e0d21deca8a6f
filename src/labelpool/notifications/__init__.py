"""In-app notifications (e-mail and webhooks build on these later)."""
