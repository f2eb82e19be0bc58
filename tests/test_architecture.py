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
            if COMMIT.search(line) and path.name != "unit_of_work.py":
                found.append((str(path.relative_to(APP)), number, "# deliberate" in line))
    assert [f"{path}:{number}" for path, number, said in found if not said] == []
    assert {path for path, _number, _said in found} == {"notifications/tasks.py"}
