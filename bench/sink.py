"""An aiosmtpd sink in its own process: accepts everything, and on SIGTERM prints how many and when the last."""

import signal
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self):
        self.count, self.last = 0, 0.0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        self.last = time.time()
        return "250 OK"


def main() -> None:
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    print("ready", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGUSR1, lambda *_: print(f"{counter.count} {counter.last}", flush=True))
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
