"""In-memory fakes of every port, for unit tests of the use cases: no I/O, no waiting.

`store` holds the fake database and its unit of work, the repository modules hold what the SQL adapters
hold, and `services` the clock, hashing, tokens, mail, limits and the job queue, wired as in production.
"""
