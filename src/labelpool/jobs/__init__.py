"""Work that runs after a request or on a schedule: an outbox table and a job runner.

`enqueue(db, "handler", payload)` writes an outbox row in the caller's transaction, so the job
exists exactly when the change that asked for it was committed. The runner (a thread inside
`labelpool serve`, or `labelpool worker` processes) claims due rows under a lease, runs their
handler, retries failures with exponential back-off and gives up after `max_attempts`.
Periodic jobs (`@periodic`) are enqueued by whichever runner finds them due first.
Handlers are at-least-once: a runner that dies mid-job leaves its lease to run out and the job
runs again, so a handler must be safe to repeat.
"""
