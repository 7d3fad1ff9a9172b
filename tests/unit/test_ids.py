"""Ids are UUIDv7 and, within one process, strictly increasing: "newest first" by id is creation order."""

from __future__ import annotations

import itertools
import threading
import time
import uuid

from domain.ids import new_id


def test_ids_made_in_a_tight_loop_are_strictly_increasing() -> None:
    ids = [new_id() for _ in range(20_000)]  # many share a millisecond
    assert len(set(ids)) == len(ids)
    assert all(a < b for a, b in itertools.pairwise(ids))


def test_ids_are_version_7_with_the_millisecond_clock_in_front() -> None:
    before = time.time_ns() // 1_000_000
    made = new_id()
    after = time.time_ns() // 1_000_000
    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    assert before <= made.int >> 80 <= after + 1


def test_ids_made_on_several_threads_are_unique() -> None:
    made: list[list[uuid.UUID]] = [[] for _ in range(4)]

    def work(n: int) -> None:
        made[n].extend(new_id() for _ in range(5_000))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [i for ids in made for i in ids]
    assert len(set(every)) == len(every)
    for ids in made:
        assert ids == sorted(ids)
