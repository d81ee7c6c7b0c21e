"""``make run``: the whole stack in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import ctypes
import logging
import signal
import sys
import threading
import time
from types import FrameType

from .procutil import StartupError
from .stack import Stack, StackConfig


def _die_with_parent() -> None:
    """Get SIGTERM when ``make`` dies: make does not forward SIGTERM to the recipe it runs."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def main() -> int:
    _die_with_parent()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = StackConfig.from_env()
    stopping = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.set()
        # A second Ctrl-C while starting up must still end a start that hangs.
        signal.signal(signum, signal.SIG_DFL)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    stack = Stack(config, progress=lambda msg: print(f"==> {msg}", flush=True))
    started = time.monotonic()
    return_code = 0
    try:
        stack.start(seed=True)
        print(f"\nvsm is running ({time.monotonic() - started:.1f}s to start). Ctrl-C stops everything.\n", flush=True)
        print(stack.summary(), flush=True)
        while not stopping.is_set():
            for name, proc in list(stack.processes.items()):
                if proc.popen.poll() is not None:
                    print(f"!! {name} exited with {proc.popen.returncode}; see {proc.log_path}", flush=True)
                    stack.processes.pop(name)
            stopping.wait(1.0)
    except KeyboardInterrupt:
        pass
    except StartupError as exc:
        print(f"!! start failed: {exc}", file=sys.stderr, flush=True)
        return_code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("==> stopping", flush=True)
        stack.stop()
        print("==> stopped; the data is kept in", config.data_dir, flush=True)
    return return_code


if __name__ == "__main__":
    sys.exit(main())
