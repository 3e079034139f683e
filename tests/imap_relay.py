"""A TCP relay between the daemon and the test Dovecot, to stop the server at a chosen moment.

Dovecot's master, stopped alone, leaves its imap processes serving the sessions they have (the
daemon's IDLE goes on talking to an orphan for half a minute); a server stopped by its operator ends
them (shutdown_clients). `stop_server()` does that: Dovecot stopped, every relayed session cut.
`fault(command, moment, nth)` does it at one moment of the daemon's n-th command containing
`command`, and starts the server again `down_for` seconds later: 'before' (the server never hears
the command), 'during' (part of its answer sent), 'after' (done and answered in full, the daemon
hears nothing)."""

from __future__ import annotations

import socket
import threading

from servers import Dovecot, free_port


class ImapRelay:
    def __init__(self, server: Dovecot) -> None:
        self.server = server
        self.command, self.moment, self.nth, self.down_for = b"", "", 0, 0.0
        self.seen = 0
        self.at_fault: dict[str, int] = {}  # the server's folders while it was down
        self.fired = threading.Event()
        self.restarted = threading.Event()
        self.sessions: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", free_port()))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def fault(self, command: bytes, moment: str, nth: int = 1, down_for: float = 2.0) -> None:
        assert moment in ("before", "during", "after")
        self.command, self.moment, self.nth, self.down_for = command.upper(), moment, nth, down_for

    def stop_server(self) -> None:
        """Dovecot stopped and its sessions ended, as `systemctl stop dovecot` does."""
        self.server.stop()
        with self.lock:
            sessions, self.sessions = self.sessions, []
        for pair in sessions:
            _close(*pair)
        self.at_fault = maildir_counts(self.server)

    def close(self) -> None:
        """The listener and every relayed session closed: its threads end (a thread left behind would make every later
        command of this test process run as a process of its own, its workers fresh interpreters: tests/world.py)."""
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (closing alone leaves it blocked)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            sessions, self.sessions = self.sessions, []
        for pair in sessions:
            _close(*pair)

    # ---- relaying --------------------------------------------------------------------------
    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.server.port), timeout=5)
            except OSError:  # the server is down: refused, as it would be
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sessions.append((client, upstream))
            armed: dict[str, bytes] = {}
            threading.Thread(target=self._from_daemon, args=(client, upstream, armed), daemon=True).start()
            threading.Thread(target=self._from_server, args=(upstream, client, armed), daemon=True).start()

    def _armed(self) -> bool:
        return bool(self.command) and not self.fired.is_set()

    def _from_daemon(self, client: socket.socket, upstream: socket.socket, armed: dict[str, bytes]) -> None:
        pending = b""
        while (data := _recv(client)) is not None:
            *lines, pending = (pending + data).split(b"\r\n")  # the daemon's command lines, whole
            for line in lines:
                if not self._armed() or self.command not in line.upper():
                    continue
                self.seen += 1
                if self.seen == self.nth and self.moment == "before":
                    self._fire()
                    return
                if self.seen == self.nth:
                    armed["tag"] = line.split(b" ", 1)[0]
            try:
                upstream.sendall(data)
            except OSError:
                break
        _close(client, upstream)

    def _from_server(self, upstream: socket.socket, client: socket.socket, armed: dict[str, bytes]) -> None:
        answer = b""
        while (data := _recv(upstream)) is not None:
            if "tag" in armed and self._armed():
                answer += data
                if self.moment == "during" and len(answer) > 1000:
                    try:
                        client.sendall(data[: len(data) // 2])  # part of the answer, then the server is gone
                    finally:
                        self._fire()
                    return
                if self.moment == "after" and b"\r\n" + armed["tag"] + b" " in b"\r\n" + answer:
                    self._fire()  # done and answered; the daemon never hears it
                    return
            try:
                client.sendall(data)
            except OSError:
                break
        _close(client, upstream)

    def _fire(self) -> None:
        self.fired.set()
        self.stop_server()
        timer = threading.Timer(self.down_for, self._restart)
        timer.daemon = True
        timer.start()

    def _restart(self) -> None:
        self.server.start()
        self.restarted.set()


def maildir_counts(server: Dovecot) -> dict[str, int]:
    """Mails in the inbox and in the other folders of every user, read from Dovecot's Maildirs on disk."""
    inbox = filed = 0
    for home in (server.workdir / "mail").iterdir():
        inbox += sum(1 for sub in ("cur", "new") for _ in (home / sub).glob("*"))
        filed += sum(1 for folder in home.glob(".*") for sub in ("cur", "new") for _ in (folder / sub).glob("*"))
    return {"inbox": inbox, "filed": filed}


def _recv(sock: socket.socket) -> bytes | None:
    try:
        data = sock.recv(65536)
    except OSError:
        return None
    return data or None


def _close(*socks: socket.socket) -> None:
    for sock in socks:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
