"""Rules of the house that no behaviour test would notice being broken."""
import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
COMMIT = re.compile(r"\.commit\(\)")


def test_only_the_edge_commits_and_every_other_commit_says_why():
    """The request, job or command owns the transaction (app/unit_of_work.py). A service that
    commits on its own cannot be undone by the use case that called it: minutes moving matters
    then refused half way. The few deliberate commits say so on their line."""
    found = []
    for path in sorted(APP.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if COMMIT.search(line):
                found.append((str(path.relative_to(APP)), number, "# deliberate" in line))
    assert [f"{path}:{number}" for path, number, said in found if not said] == []
    assert {path for path, _number, _said in found} == {"unit_of_work.py", "notifications/tasks.py"}


def test_no_service_rolls_back_its_callers_work():
    """A rollback in a service throws away what its caller staged. Services raise (the edge rolls
    back) or isolate an expected conflict in a savepoint; the edge layers and a marked few may."""
    edges = {"unit_of_work.py", "errors.py", "idempotency.py", "hot_path.py", "health.py"}
    unmarked = [f"{path.relative_to(APP)}:{number}" for path in sorted(APP.rglob("*.py")) if path.name not in edges
                for number, line in enumerate(path.read_text().splitlines(), start=1)
                if ".rollback()" in line and "# deliberate" not in line]
    assert unmarked == []
