"""The SQLite writers' queue: one holder at a time, granted in the order the writers arrived."""

from __future__ import annotations

import threading
import time
from functools import partial

from agent.db.engine import FifoLock
from tests.waiting import wait_for


def queued(lock: FifoLock, waiters: int) -> bool:
    """``waiters`` threads wait behind the holder (each draws a ticket on arrival; the holder drew one)."""
    return lock._next_ticket - lock._serving == waiters + 1


def test_waiting_writers_get_the_lock_in_the_order_they_arrived() -> None:
    lock = FifoLock()
    lock.acquire()
    granted: list[int] = []

    def writer(n: int) -> None:
        lock.acquire()
        granted.append(n)
        lock.release()

    threads = []
    for n in range(8):
        thread = threading.Thread(target=writer, args=(n,), daemon=True)
        thread.start()
        threads.append(thread)
        # The next writer starts only once this one is queued, so the arrival order is 0, 1, 2, ...
        wait_for(partial(queued, lock, n + 1), timeout=10, what=f"writer {n} to queue")
    assert granted == []  # all wait while the lock is held
    lock.release()
    for thread in threads:
        thread.join(timeout=10)
    assert granted == list(range(8))


def test_only_one_holder_at_a_time() -> None:
    lock = FifoLock()
    holders = 0
    most = 0
    guard = threading.Lock()

    def writer() -> None:
        nonlocal holders, most
        for _ in range(200):
            lock.acquire()
            with guard:
                holders += 1
                most = max(most, holders)
            # Give the other threads the interpreter while holding the lock (a yield, not a wait): a lock
            # that let two in would show it here. Without it, a lock that excludes nothing also passed.
            time.sleep(0)
            with guard:
                holders -= 1
            lock.release()

    threads = [threading.Thread(target=writer, daemon=True) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert most == 1
    assert lock._serving == lock._next_ticket == 6 * 200  # every ticket served: free again
