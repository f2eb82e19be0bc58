"""Upgrades without downtime (README: Production → Upgrades): during a rolling upgrade the
previous release's app keeps serving on the schema the new release migrated to, so migrations
only expand — new tables, new columns that are nullable or have a server default — and what
the new code no longer needs is dropped (contracted) one release later.

Two checks: every migration since the previous release expands only (read off its operations),
and the previous release's own tests of the main reads and writes — reporting and triaging
matters, meetings, polls and ballots — pass against the new schema.
"""
import ast
import os
import shutil
import subprocess
import sys
import sysconfig
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ROOT, TEST_DATABASE_URL

# The commit of the release now in production; move it forward when a release ships.
PREVIOUS_RELEASE = "56f9e422d254e6cd818655429d88525b256e25e0"
# Its tests of the main reads and writes, run by its own code against the new schema.
MAIN_PATHS = ["tests/test_matters.py", "tests/test_meetings.py", "tests/test_polls.py"]
# The previous release's last migration; every later one must expand only.
RELEASED_HEAD = "0016_voice_notes"
MIGRATIONS = ROOT / "migrations" / "versions"
# Operations that break the previous release's code while it still runs.
CONTRACTING = {"drop_table", "drop_column", "alter_column", "drop_constraint", "rename_table"}


def _revisions():
    """Each migration's (revision, down_revision, path), in order from the first."""
    found = {}
    for path in MIGRATIONS.glob("*.py"):
        values = {}
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) \
                    and node.targets[0].id in ("revision", "down_revision"):
                values[node.targets[0].id] = ast.literal_eval(node.value)
        found[values["down_revision"]] = (values["revision"], path)
    order, current = [], None
    while current in found:
        revision, path = found[current]
        order.append((revision, path))
        current = revision
    return order


def _unreleased():
    order = _revisions()
    names = [revision for revision, _ in order]
    return order[names.index(RELEASED_HEAD) + 1:]


def _contracting_operations(path):
    """What `upgrade()` does that the previous release's code could trip on."""
    tree = ast.parse(path.read_text())
    upgrade = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "upgrade")
    found = []
    for node in ast.walk(upgrade):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name in CONTRACTING:
            found.append(name)
        elif name == "add_column":
            column = node.args[-1]
            keywords = {k.arg: k.value for k in column.keywords} if isinstance(column, ast.Call) else {}
            not_null = isinstance(keywords.get("nullable"), ast.Constant) and keywords["nullable"].value is False
            if not_null and "server_default" not in keywords:
                found.append("add_column NOT NULL without a server default")
        elif name == "execute":
            found.append("execute (a data change: write it so both releases read the rows)")
    return found


def test_the_released_head_is_a_migration_of_the_chain():
    assert RELEASED_HEAD in [revision for revision, _ in _revisions()]


def test_migrations_since_the_release_only_expand():
    offending = {revision: ops for revision, path in _unreleased() if (ops := _contracting_operations(path))}
    assert offending == {}, ("these migrations would break the release still serving during a rolling upgrade; "
                             "split them: expand now, contract in the next release")


def test_the_check_reads_a_contracting_migration(tmp_path):
    """The operation reader itself: a migration that drops a column or adds a NOT NULL one is caught."""
    path = tmp_path / "0099_bad.py"
    path.write_text("def upgrade():\n"
                    "    op.drop_column('matters', 'title')\n"
                    "    op.add_column('polls', sa.Column('x', sa.Integer(), nullable=False))\n"
                    "    op.add_column('polls', sa.Column('y', sa.Integer(), nullable=False, server_default='0'))\n"
                    "    op.add_column('polls', sa.Column('z', sa.Integer(), nullable=True))\n")
    assert _contracting_operations(path) == ["drop_column", "add_column NOT NULL without a server default"]


def _previous_release(tmp_path):
    """The previous release's code, with the new release's migrations in place of its own."""
    if subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{PREVIOUS_RELEASE}^{{commit}}"],
                      capture_output=True).returncode != 0:
        pytest.fail(f"the previous release {PREVIOUS_RELEASE[:12]} is not in this clone's history: "
                    "clone with full history (not --depth)")
    tree = tmp_path / "previous"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", PREVIOUS_RELEASE, "app", "config", "tests",
                              "wsgi.py", "pyproject.toml", "requirements.txt", "requirements-dev.txt"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    shutil.copytree(ROOT / "migrations", tree / "migrations")
    return tree


@pytest.fixture(scope="module")
def previous_python(tmp_path_factory):
    """The previous release's interpreter, with its own dependencies as its machines have them
    (it may need a package this release dropped, or another version). A virtualenv layered on
    this one: it sees this one's packages through a .pth file, so pip installs only what differs,
    into the layer (pip never touches packages outside its environment)."""
    base = tmp_path_factory.mktemp("previous-python")
    tree = _previous_release(base)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    layer = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    Path(layer, "this-release.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "-r", str(tree / "requirements-dev.txt")],
                   check=True)
    return str(python)


@pytest.fixture
def scratch_database():
    """On PostgreSQL a database of its own: the previous release's suite rebuilds its schema."""
    if not TEST_DATABASE_URL:
        yield None
        return
    name = f"rolling_{uuid.uuid4().hex[:8]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def test_the_previous_release_serves_its_main_paths_on_the_new_schema(tmp_path, previous_python, scratch_database):
    tree = _previous_release(tmp_path)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TEST_", "PYTEST"))}
    if scratch_database:
        env["TEST_DATABASE_URL"] = scratch_database
    if os.environ.get("TEST_REDIS_URL"):
        env["TEST_REDIS_URL"] = os.environ["TEST_REDIS_URL"].rsplit("/", 1)[0] + "/14"
    result = subprocess.run([previous_python, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *MAIN_PATHS],
                            cwd=tree, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout.splitlines()[-1]


def test_the_previous_release_builds_the_new_schema(tmp_path, previous_python):
    """What the test above relies on: the previous release's app migrates with the new chain."""
    tree = _previous_release(tmp_path)
    found = subprocess.run([previous_python, "-c", "import app; print(app.MIGRATIONS)"], cwd=tree,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(found) == tree / "migrations"
    assert {path.name for _, path in _unreleased()} <= {path.name for path in (tree / "migrations" / "versions").iterdir()}
