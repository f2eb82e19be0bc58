"""tests/pgproxy.py counts what psycopg really sends: one round trip per exchange, however the
bytes are split or batched (bench/run.py reports round trips per request with it)."""
import threading

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import TEST_DATABASE_URL
from tests.pgproxy import RoundTripProxy

pytestmark = pytest.mark.skipif(not (TEST_DATABASE_URL or "").startswith("postgresql"),
                                reason="counts PostgreSQL's protocol: set TEST_DATABASE_URL")


@pytest.fixture
def proxied():
    """A psycopg connection (autocommit) through the proxy, and the proxy counting from zero."""
    url = make_url(TEST_DATABASE_URL)
    threads_before = threading.active_count()
    with RoundTripProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        conninfo = make_url(proxy.url(TEST_DATABASE_URL)).set(drivername="postgresql")
        with psycopg.connect(conninfo.render_as_string(hide_password=False), autocommit=True) as connection:
            proxy.reset()
            yield connection, proxy
    assert threading.active_count() == threads_before  # stop() joins every thread it started


def test_a_statement_in_autocommit_is_one_round_trip(proxied):
    connection, proxy = proxied
    assert connection.execute("SELECT 1").fetchone() == (1,)
    assert proxy.round_trips == 1


def test_a_large_answer_read_in_pieces_is_still_one(proxied):
    connection, proxy = proxied
    assert len(connection.execute("SELECT repeat('x', 2000000)").fetchone()[0]) == 2_000_000
    assert proxy.round_trips == 1


def test_a_transaction_pays_for_begin_and_commit(proxied):
    # psycopg sends BEGIN on its own and waits for it before the first statement, and COMMIT on
    # its own: a transaction of one statement is three round trips (what SQLAlchemy's session
    # does too, its pool pre-ping being a fourth).
    connection, proxy = proxied
    with connection.transaction():
        connection.execute("SELECT 1")
    assert proxy.round_trips == 3
    proxy.reset()
    connection.autocommit = False
    connection.execute("SELECT 1")
    connection.commit()
    assert proxy.round_trips == 3


def test_a_pipeline_is_one_round_trip(proxied):
    connection, proxy = proxied
    with connection.pipeline():
        cursors = [connection.execute("SELECT %s::int", (n,)) for n in range(3)]
    assert [cursor.fetchone() for cursor in cursors] == [(0,), (1,), (2,)]
    assert proxy.round_trips == 1  # three statements and the Sync the block ends with
    proxy.reset()
    with connection.pipeline() as pipeline:
        connection.execute("SELECT 1")
        pipeline.sync()  # waits for the answers; the block's end then sends a Sync of its own
    assert proxy.round_trips == 2
