"""`make run`: the web server, a Celery worker and Celery beat together; Ctrl-C or SIGTERM stops all three.

Each child runs in a session of its own, so the terminal's Ctrl-C reaches
only this supervisor, which then stops every child exactly once (SIGTERM,
then SIGKILL after a grace) and says so in one line. A shell `trap 'kill 0'`
sent the signal to itself as well, re-entered the trap and signalled the
worker over and over (thousands of lines of "Warm shutdown" and
RecursionError). If any child dies on its own, the others are stopped too:
a portal without its deadline watch must not look alive.

    python -m bluezone_portal.devserver 127.0.0.1:8000
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 10


def _commands(address: str) -> dict[str, list[str]]:
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "bluezone_portal"]
    return {
        "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=1", "--without-gossip", "--without-mingle"],
        "beat": [*celery, "beat", "--loglevel=INFO"],
        "web": [python, "manage.py", "runserver", address, "--noreload"],
    }


def _stop(children: dict[str, subprocess.Popen]) -> None:
    # The main process only: Celery's worker finishes the task in hand and stops its own pool (a SIGTERM to
    # the pool's processes too would kill a task mid-way). The whole group only gets the SIGKILL.
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def main(argv: list[str]) -> int:
    address = argv[1] if len(argv) > 1 else "127.0.0.1:8000"
    children = {name: subprocess.Popen(command, start_new_session=True)  # noqa: S603 — our own fixed commands
                for name, command in _commands(address).items()}
    stopping = {"signal": None}

    def on_signal(signum, _frame):
        stopping["signal"] = signum

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    exited = None
    while stopping["signal"] is None and exited is None:
        exited = next((name for name, child in children.items() if child.poll() is not None), None)
        time.sleep(0.2)
    if exited is not None:
        print(f"bluezone: {exited} exited ({children[exited].returncode}); stopping the others.", flush=True)
    else:
        print("bluezone: stopping the web server, worker and beat.", flush=True)
    _stop(children)
    return 0 if exited is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
