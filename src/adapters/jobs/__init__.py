"""Job queues: Dramatiq on Redis in production, an in-process runner for the embedded default."""
