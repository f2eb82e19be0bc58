"""The lock files `make lock` writes (README: Dependencies) agree with the requirements*.txt they
come from: every pin there is in its lock at the same version, every locked package carries a
sha256 hash (pip's --require-hashes refuses the install otherwise), and this virtualenv has what
the runtime lock says."""
import re
from importlib.metadata import distributions

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

LOCKS = {"requirements.txt": "requirements.lock", "requirements-dev.txt": "requirements-dev.lock",
         "requirements-bench.txt": "requirements-bench.lock", "requirements-pabutools.txt": "requirements-pabutools.lock"}


def pins(name):
    """{package: version} of an input file, the files it includes (-r) too."""
    found = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            found |= pins(line[3:].strip())
        elif line:
            requirement = Requirement(line)
            [specifier] = requirement.specifier
            assert specifier.operator == "==", f"{name}: {line} is not pinned"
            found[canonicalize_name(requirement.name)] = specifier.version
    return found


def locked(name):
    """{package: (version, hashes)} of a lock file (its entries span continuation lines)."""
    entries = {}
    for entry in re.split(r"\n(?=\S)", re.sub(r"(?m)^\s*#.*\n?", "", (ROOT / name).read_text())):
        if entry.strip():
            requirement = entry.split()[0]
            package, version = requirement.split("==")
            entries[canonicalize_name(package)] = (version, re.findall(r"--hash=sha256:([0-9a-f]{64})", entry))
    return entries


@pytest.mark.parametrize("source", sorted(LOCKS))
def test_every_pin_is_locked_at_its_version_with_hashes(source):
    lock = locked(LOCKS[source])
    assert {package: lock.get(package, (None,))[0] for package in pins(source)} == pins(source)
    assert [package for package, (_, hashes) in lock.items() if not hashes] == []


def test_runtime_dev_and_bench_share_their_versions():
    runtime, dev, bench = (locked(LOCKS[name]) for name in ("requirements.txt", "requirements-dev.txt",
                                                            "requirements-bench.txt"))
    assert runtime.keys() <= dev.keys() <= bench.keys()
    assert all(dev[package][0] == version for package, (version, _) in runtime.items())
    assert all(bench[package][0] == version for package, (version, _) in dev.items())


def test_the_virtualenv_has_the_runtime_lock():
    installed = {canonicalize_name(dist.metadata["Name"]): dist.version for dist in distributions()}
    wanted = locked("requirements.lock") | locked("requirements-pabutools.lock")
    assert {package: installed.get(package) for package in wanted} == {
        package: version for package, (version, _) in wanted.items()}
