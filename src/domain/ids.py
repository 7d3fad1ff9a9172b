"""Time-ordered UUIDs (version 7), so new rows land at the end of their indexes.

Within one process the ids are strictly increasing, even within a millisecond: the 12 bits after the
version count up from a random start (RFC 9562, method 1), so "newest first" by id is creation order.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid

_lock = threading.Lock()
_last_millis = 0
_counter = 0


def new_id() -> uuid.UUID:
    global _last_millis, _counter
    with _lock:
        millis = time.time_ns() // 1_000_000
        if millis > _last_millis:
            _last_millis, _counter = millis, secrets.randbits(11)  # start low, leaving room to count up
        else:
            _counter += 1
            if _counter > 0xFFF:  # 4096 ids in one millisecond: borrow the next one
                _last_millis, _counter = _last_millis + 1, 0
        millis, counter = _last_millis, _counter
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= secrets.randbits(62)
    return uuid.UUID(int=value)
