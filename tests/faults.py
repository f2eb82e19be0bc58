"""Fault injection over real sockets: a TCP proxy in front of a server (PostgreSQL, Redis) that
a test can cut — every open connection dropped, new ones refused — and restore, and a Redis
server of the test's own that it can stop and start, without touching the machine's own servers."""
import socket
import subprocess
import threading
import time

import redis


class TcpProxy:
    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.connections = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        """The server is gone: drop every connection and refuse new ones."""
        self.up = False
        with self.lock:
            for sock in self.connections:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
                except OSError:
                    pass
            self.connections = []

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


class RedisServer:
    """A redis-server of the test's own on a fixed port, that a test can stop and start again
    (without persistence: a restart comes back empty, as a Redis restarted without its data)."""

    def __init__(self, port, folder):
        self.port = port
        self.folder = folder
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        while True:
            try:
                probe.ping()
                return self
            except redis.ConnectionError:
                assert self.process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self):
        """Redis goes away: the server exits and every connection to it drops."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None
