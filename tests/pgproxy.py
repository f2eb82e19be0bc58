"""A TCP proxy in front of PostgreSQL that counts round trips: the waits on the network a
request pays, which its statement count does not tell (psycopg's BEGIN is one more; a pipeline
is one for many). Used by bench/run.py (round trips per request) and the tests.

A round trip is counted when the client sends after having received something from the server
on that connection (and for its first send): the direction of the traffic switching back to the
server. A message split over several reads stays one, and messages the client pipelines before
the server answers are one with them. Each direction is pumped by its own thread, which notes
the direction before forwarding the bytes: a client can only answer bytes that were already
noted, so the count does not depend on how the two threads are scheduled.

    with RoundTripProxy() as proxy:
        engine = create_engine(proxy.url(database_url))
        ...
        proxy.reset(); do_something(); proxy.round_trips
"""
import socket
import threading

from sqlalchemy.engine import make_url

CLIENT, SERVER = "client", "server"


class RoundTripProxy:
    """Listens on 127.0.0.1 (an ephemeral port) and forwards every connection to the target."""

    def __init__(self, target_host="127.0.0.1", target_port=5432):
        self.target = (target_host, target_port)
        self.round_trips = 0
        self._lock = threading.Lock()
        self._sockets = []
        self._threads = []
        self._stopping = threading.Event()
        self._listener = self._acceptor = None
        self.port = None

    def start(self):
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)  # accept() wakes up to see stop()
        self.port = self._listener.getsockname()[1]
        self._stopping.clear()
        self._acceptor = threading.Thread(target=self._accept, daemon=True, name="pgproxy-accept")
        self._acceptor.start()
        return self

    def stop(self):
        """Drop every connection and wait for every thread of the proxy to end."""
        if self._acceptor is None:
            return
        self._stopping.set()
        self._acceptor.join()  # no connection is added after this
        self._listener.close()
        for sock in self._sockets:
            _shut(sock)
        for thread in self._threads:
            thread.join()
        for sock in self._sockets:
            sock.close()
        self._sockets, self._threads, self._acceptor = [], [], None

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()

    def url(self, database_url):
        """The same SQLAlchemy URL, reaching the database through this proxy."""
        return make_url(database_url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def reset(self):
        with self._lock:
            self.round_trips = 0

    def _spawn(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True, name="pgproxy-pump")
        self._threads.append(thread)
        thread.start()

    def _accept(self):
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            for sock in (client, server):
                sock.settimeout(None)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sockets += [client, server]
            last = {"direction": SERVER}  # so that the client's first send counts
            self._spawn(self._pump, client, server, CLIENT, last)
            self._spawn(self._pump, server, client, SERVER, last)

    def _pump(self, source, sink, direction, last):
        try:
            while data := source.recv(65536):
                with self._lock:
                    if direction == CLIENT and last["direction"] == SERVER:
                        self.round_trips += 1
                    last["direction"] = direction
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _shut(source)
            _shut(sink)


def _shut(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
