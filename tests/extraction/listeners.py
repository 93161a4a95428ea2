"""Stand-ins for a remote service that is down, on real sockets (nothing is mocked).

- `unused_url()`: a port where nothing listens, so connections are refused at once.
- `Listener(hang_up=True)`: accepts every connection and closes it without answering, like a
  crashing service; `Listener(hang_up=False)` accepts and never answers, like a hung one.
  `accepted` counts the connections, i.e. the network attempts callers made.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType


def unused_url() -> str:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class Listener:
    def __init__(self, *, hang_up: bool) -> None:
        self.hang_up = hang_up
        self.accepted = 0
        self._socket = socket.create_server(("127.0.0.1", 0), backlog=64)
        self._socket.settimeout(0.05)
        self._held: list[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        for connection in self._held:
            connection.close()
        self._socket.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.accepted += 1  # before the hang-up, so a caller that saw it sees the count
            if self.hang_up:
                connection.close()
            else:
                self._held.append(connection)
