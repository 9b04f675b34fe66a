"""Ground truth for the version-order tests: the real tools of each ecosystem, batched.

Each oracle takes a list of (a, b) pairs and returns -1/0/1 per pair as the real tool
orders them. An oracle whose tool is missing skips the test with the install command.
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import random
import shutil
import subprocess
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[3] / "data"
VERSIONS = DATA / "versions"
VULNDB = DATA / "vulndb"

Pairs = list[tuple[str, str]]
Oracle = Callable[[Pairs], list[int]]


def read_versions(name: str) -> list[str]:
    """One version per line from tests/data/versions/<name>."""
    return [line.strip() for line in (VERSIONS / name).read_text().splitlines() if line.strip()]


def osv_versions(*ecosystem_prefixes: str) -> list[str]:
    """Every version string (events and `versions` lists) of the test OSV records whose
    ecosystem starts with one of the prefixes."""
    found: set[str] = set()
    for path in sorted(glob.glob(str(VULNDB / "**" / "*.json"), recursive=True)):
        record = json.loads(Path(path).read_text())
        for affected in record.get("affected", []):
            ecosystem = (affected.get("package") or {}).get("ecosystem", "")
            if not ecosystem.startswith(ecosystem_prefixes):
                continue
            found.update(affected.get("versions", []))
            for version_range in affected.get("ranges", []):
                if version_range.get("type") == "GIT":
                    continue
                for event in version_range.get("events", []):
                    found.update(v for v in event.values() if v not in ("0", "*"))
    return sorted(found)


def sample_pairs(
    versions: Iterable[str], random_pairs: int, seed: int, neighbour_pairs: int = 250
) -> Pairs:
    """Deterministic pairs: neighbours in string order (near-identical strings such as
    `1.2-3` / `1.2-3+b1`), seeded random pairs, and a few versions with themselves."""
    unique = sorted(set(versions))
    rnd = random.Random(seed)
    neighbours = list(itertools.pairwise(unique))
    if len(neighbours) > neighbour_pairs:
        neighbours = rnd.sample(neighbours, neighbour_pairs)
    pairs = neighbours + [(a, b) for a, b in (rnd.sample(unique, 2) for _ in range(random_pairs))]
    pairs += [(v, v) for v in rnd.sample(unique, min(20, len(unique)))]
    return list(dict.fromkeys(pairs))


class Cases:
    """The helpers above, handed to tests through the `cases` fixture."""

    read_versions = staticmethod(read_versions)
    osv_versions = staticmethod(osv_versions)
    sample_pairs = staticmethod(sample_pairs)


@pytest.fixture(scope="session")
def cases() -> type[Cases]:
    """Test-data helpers (real version lists, deterministic pairs)."""
    return Cases


def _run(
    argv: list[str],
    stdin: str,
    timeout: float = 120,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> str:
    done = subprocess.run(
        argv,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
        env=env,
    )
    if done.returncode != 0:
        raise AssertionError(f"{argv[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


@pytest.fixture(scope="session")
def dpkg_oracle() -> Oracle:
    """`dpkg --compare-versions` (two calls at most per pair, in one shell)."""
    if shutil.which("dpkg") is None:
        pytest.skip("dpkg is not installed (Debian only)")
    script = textwrap.dedent(
        """
        while IFS=$'\\t' read -r a b; do
          if dpkg --compare-versions "$a" lt "$b"; then echo -1
          elif dpkg --compare-versions "$a" eq "$b"; then echo 0
          else echo 1; fi
        done
        """
    )

    def oracle(pairs: Pairs) -> list[int]:
        out = _run(["bash", "-c", script], "".join(f"{a}\t{b}\n" for a, b in pairs))
        return [int(line) for line in out.split()]

    return oracle


@pytest.fixture(scope="session")
def rpm_oracle() -> Oracle:
    """librpm's own EVR parsing and comparison (`rpm.ver`) via Debian's python3-rpm."""
    python = "/usr/bin/python3"
    probe = subprocess.run([python, "-c", "import rpm"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("librpm Python bindings missing: apt-get install -y python3-rpm")
    script = textwrap.dedent(
        """
        import json, sys, rpm
        out = []
        for a, b in json.load(sys.stdin):
            x, y = rpm.ver(a), rpm.ver(b)
            out.append((x > y) - (x < y))
        json.dump(out, sys.stdout)
        """
    )

    def oracle(pairs: Pairs) -> list[int]:
        return json.loads(_run([python, "-c", script], json.dumps(pairs)))

    return oracle


@pytest.fixture(scope="session")
def node_semver(tmp_path_factory: pytest.TempPathFactory) -> Callable[[list[str]], str]:
    """Runs a node script with the npm `semver` package installed in a temp folder."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm missing: apt-get install -y nodejs npm")
    prefix = tmp_path_factory.mktemp("node-semver")
    _run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--silent",
            "--prefix",
            str(prefix),
            "semver@7",
        ],
        "",
        timeout=300,
    )

    def run(argv: list[str], stdin: str = "") -> str:
        env = {**os.environ, "NODE_PATH": str(prefix / "node_modules")}
        return _run(["node", *argv], stdin, env=env)

    return run


@pytest.fixture(scope="session")
def semver_oracle(node_semver: Callable[..., str]) -> Callable[[Pairs], list[int | None]]:
    """node `semver.compare` (strict parsing); None where either side is invalid."""
    script = textwrap.dedent(
        """
        const semver = require('semver');
        let input = '';
        process.stdin.on('data', c => input += c);
        process.stdin.on('end', () => {
          const out = JSON.parse(input).map(([a, b]) =>
            semver.valid(a) && semver.valid(b) ? semver.compare(a, b) : null);
          process.stdout.write(JSON.stringify(out));
        });
        """
    )

    def oracle(pairs: Pairs) -> list[int | None]:
        return json.loads(node_semver(["-e", script], json.dumps(pairs)))

    return oracle


@pytest.fixture(scope="session")
def semver_valid_oracle(node_semver: Callable[..., str]) -> Callable[[list[str]], list[bool]]:
    """node `semver.valid` (strict) per version."""
    script = textwrap.dedent(
        """
        const semver = require('semver');
        let input = '';
        process.stdin.on('data', c => input += c);
        process.stdin.on('end', () => {
          process.stdout.write(JSON.stringify(JSON.parse(input).map(v => !!semver.valid(v))));
        });
        """
    )

    def oracle(versions: list[str]) -> list[bool]:
        return json.loads(node_semver(["-e", script], json.dumps(versions)))

    return oracle


@pytest.fixture(scope="session")
def go_semver_oracle(tmp_path_factory: pytest.TempPathFactory) -> Oracle:
    """golang.org/x/mod/semver.Compare, built from the copy vendored in the Go toolchain."""
    go = shutil.which("go")
    if go is None:
        pytest.skip("Go missing: apt-get install -y golang-go")
    goroot = _run([go, "env", "GOROOT"], "").strip()
    vendored = Path(goroot) / "src" / "cmd" / "vendor" / "golang.org" / "x" / "mod" / "semver"
    if not vendored.is_dir():
        pytest.skip(f"no vendored x/mod/semver under {goroot}")
    gopath = tmp_path_factory.mktemp("gopath")
    (gopath / "src" / "golang.org" / "x" / "mod").mkdir(parents=True)
    (gopath / "src" / "golang.org" / "x" / "mod" / "semver").symlink_to(vendored)
    main = gopath / "src" / "oracle"
    main.mkdir(parents=True)
    (main / "main.go").write_text(
        textwrap.dedent(
            """
            package main

            import (
                "bufio"
                "fmt"
                "os"
                "strings"

                "golang.org/x/mod/semver"
            )

            func main() {
                in := bufio.NewScanner(os.Stdin)
                for in.Scan() {
                    f := strings.Split(in.Text(), "\\t")
                    fmt.Println(semver.Compare(f[0], f[1]))
                }
            }
            """
        )
    )
    binary = gopath / "oracle-bin"
    env = {
        **os.environ,
        "GOPATH": str(gopath),
        "GO111MODULE": "off",
        "GOCACHE": os.environ.get("GOCACHE", str(gopath / "cache")),
    }
    _run([go, "build", "-o", str(binary), "."], "", timeout=300, cwd=main, env=env)

    def oracle(pairs: Pairs) -> list[int]:
        out = _run([str(binary)], "".join(f"{a}\t{b}\n" for a, b in pairs))
        return [int(line) for line in out.split()]

    return oracle


def _maven_artifact_jar() -> str | None:
    candidates = [
        "/usr/share/java/maven-artifact.jar",
        "/usr/share/java/maven-artifact-3.x.jar",
        *sorted(
            glob.glob(
                os.path.expanduser(
                    "~/.m2/repository/org/apache/maven/maven-artifact/3.*/maven-artifact-3.*.jar"
                )
            )
        ),
    ]
    return next((c for c in candidates if os.path.isfile(c)), None)


@pytest.fixture(scope="session")
def maven_oracle() -> Oracle:
    """Maven's own ComparableVersion (its main() compares consecutive arguments)."""
    jar = _maven_artifact_jar()
    if shutil.which("java") is None or jar is None:
        pytest.skip(
            "Maven's ComparableVersion missing: apt-get install -y "
            "default-jre-headless libmaven3-core-java"
        )

    def oracle(pairs: Pairs) -> list[int]:
        assert all(" " not in a + b for a, b in pairs)
        args = [v for pair in pairs for v in pair]
        out = _run(
            ["java", "-cp", jar, "org.apache.maven.artifact.versioning.ComparableVersion", *args],
            "",
        )
        # lines "   <a> <op> <b>" compare argument i with i+1; we want the pairs only
        compared = [line.strip() for line in out.splitlines() if line.startswith("   ")]
        results = []
        for (a, b), line in zip(pairs, compared[::2], strict=True):
            assert line.startswith(a + " ") and line.endswith(" " + b), line
            op = line[len(a) + 1 : len(line) - len(b) - 1]
            results.append({"<": -1, "==": 0, ">": 1}[op])
        return results

    return oracle
