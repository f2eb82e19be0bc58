"""Walk the permission matrix (tests/permission_matrix.py) against the running app: every row,
every actor, one request each, with a valid body so a 422 cannot hide a 403.

The world is built once per module through the real services and snapshotted; whenever a
request may have changed something (a write that succeeded, or any 5xx) the tables are put
back from the snapshot before the next request, so every request meets the same world. Only
the database is put back (not media files or Redis), so no row may need a file another row's
request could delete: the photo served is attached to a matter, which erasing an account keeps."""
import pytest

from tests.matrix_world import PLACEHOLDER, api_routes, matches, open_world, send, world_app
from tests.permission_matrix import ACTORS, MATRIX


@pytest.fixture(scope="module")
def matrix_app(database_url, _schema, tmp_path_factory):
    with world_app(database_url, tmp_path_factory.mktemp("matrix-media")) as app:
        yield app


@pytest.fixture(scope="module")
def world(matrix_app):
    return open_world(matrix_app)


def test_every_route_has_a_row_and_every_row_a_route(matrix_app):
    """A new endpoint without a row in tests/permission_matrix.py fails here."""
    routes = api_routes(matrix_app)
    rows = {(row.method, row.rule) for row in MATRIX}
    assert sorted(routes - rows) == [], "endpoints missing from tests/permission_matrix.py"
    assert sorted(rows - routes) == [], "rows naming no route"
    for row in MATRIX:
        assert len(PLACEHOLDER.findall(row.rule)) == len(row.on), f"{row.label}: one world name per placeholder"
        assert set(row.expected) == set(ACTORS)
    labels = [row.label for row in MATRIX]
    assert len(labels) == len(set(labels)), "two rows with one label: add a note"


@pytest.mark.parametrize("row", MATRIX, ids=[row.label for row in MATRIX])
def test_permission_matrix(world, row):
    mismatches = []
    for actor in ACTORS:
        if world["dirty"]:
            world["snapshot"].restore()
            world["dirty"] = False
        response = send(world, row, actor)
        status = response.status_code
        if status >= 500 or (row.method != "GET" and status < 400):
            world["dirty"] = True
        expected = row.expected[actor]
        if status >= 500 or not matches(expected, status):
            error = (response.get_json(silent=True) or {}).get("error") or {}
            mismatches.append(f"{actor} ({ACTORS[actor]}): expected {expected}, got {status} "
                              f"{error.get('code', '')} {error.get('message', '')}".rstrip())
    assert not mismatches, f"{row.label}:\n  " + "\n  ".join(mismatches)
