#!/usr/bin/env python3
"""Docs cannot rot silently: fails when README.md, docs/ or benchmarks/README.md name something that does not exist.

Checked: every `scripts/...` path; every relative link (and its #anchor, GitHub's heading slugs); every
configuration key `olist.<...>` (a key of conf/application.conf, or a block of keys); every `--option` in code
(an option of one of our scripts or jobs, or of a tool we document: spark-submit, java, Maven, Trino's CLI).

  scripts/check-docs.py              check the project's docs; exit 1 listing every problem
  scripts/check-docs.py --self-test  prove the check fails on a removed option, key, script and link
"""
import pathlib
import re
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

# options of the tools the docs show commands of, not ours: spark-submit, java, Maven, node_exporter, promtool
EXTERNAL_OPTIONS = {
    "--deploy-mode", "--class", "--packages", "--exclude-packages", "--driver-memory", "--executor-memory",
    "--num-executors", "--executor-cores", "--add-opens", "--collector", "--also-make", "--projects",
}
# system properties of the test build (pom.xml), not configuration keys
SYSTEM_PROPERTIES = {"olist.data.dir", "olist.scale", "olist.test.fixtures"}
# Trino's names in the catalog `olist` (schemas marts and secure_<set>), not configuration keys
TRINO_NAME = re.compile(r"^olist\.(marts\.|secure_)")


def docs(root):
    yield root / "README.md"
    yield from sorted((root / "docs").rglob("*.md"))
    bench = root / "benchmarks" / "README.md"
    if bench.exists():
        yield bench


def config_keys(root):
    """Every key path of conf/application.conf, and every block that holds keys."""
    keys, stack = set(), []
    for raw in (root / "conf" / "application.conf").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        opened = re.match(r"^([\w.-]+)\s*\{$", line)
        if opened:
            stack.append(opened.group(1))
            keys.add(".".join(stack))
            continue
        if line == "}":
            stack.pop()
            continue
        assigned = re.match(r"^([\w.-]+)\s*[=:]", line)
        if assigned:
            keys.add(".".join(stack + [assigned.group(1)]))
    return keys


def our_options(root):
    """The --options our scripts parse (case patterns) and our Java mains accept (string literals)."""
    options = set()
    for script in list((root / "scripts").rglob("*.sh")) + [root / ".ci" / "run"]:
        text = script.read_text(encoding="utf-8")
        for pattern in re.findall(r"^\s*([-\w|]+)\)", text, re.M):
            options.update(o for o in pattern.split("|") if o.startswith("--"))
    for java in (root / "jobs" / "src" / "main").rglob("*.java"):
        options.update(re.findall(r'"(--[a-z][\w-]*)', java.read_text(encoding="utf-8")))
    for java in (root / "common" / "src" / "main").rglob("*.java"):
        options.update(re.findall(r'"(--[a-z][\w-]*)', java.read_text(encoding="utf-8")))
    return options


def slug(heading):
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def anchors(path):
    return {slug(m) for m in re.findall(r"^#+\s+(.*)$", path.read_text(encoding="utf-8"), re.M)}


def code_spans(text):
    """The text of inline code spans and fenced code blocks."""
    blocks = re.findall(r"```.*?\n(.*?)```", text, re.S)
    rest = re.sub(r"```.*?```", "", text, flags=re.S)
    return blocks + re.findall(r"`([^`\n]+)`", rest)


def check(root):
    problems = []
    keys, options = config_keys(root), our_options(root) | EXTERNAL_OPTIONS
    for doc in docs(root):
        text = doc.read_text(encoding="utf-8")
        name = doc.relative_to(root)
        for script in sorted(set(re.findall(r"(?<![\w/])(scripts/[\w./-]+\.(?:sh|py))", text))):
            if not (root / script).exists():
                problems.append(f"{name}: names {script}, which does not exist")
        for target in sorted(set(re.findall(r"\]\(([^)\s]+)\)", text))):
            if re.match(r"^[a-z]+:", target):
                continue
            file_part, _, anchor = target.partition("#")
            linked = (doc.parent / file_part).resolve() if file_part else doc
            if not linked.exists():
                problems.append(f"{name}: links to {target}, which does not exist")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                problems.append(f"{name}: links to {target}, a heading that does not exist")
        spans = code_spans(text)
        for key in sorted({k.rstrip(".") for k in re.findall(r"(?<![\w.@])(olist\.[a-z][\w.-]*)", text)}):
            if key not in keys and key not in SYSTEM_PROPERTIES and not TRINO_NAME.match(key):
                problems.append(f"{name}: names the configuration key {key}, which conf/application.conf lacks")
        named = set()
        for span in spans:
            named.update(re.findall(r"(?<![\w-])(--[a-z][\w-]*)", span))
        for option in sorted(named - options):
            problems.append(f"{name}: names the option {option}, which no script or job of ours accepts")
    return problems


def self_test():
    """A copy of the docs' inputs with a removed option, key, script and link must fail the check."""
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        (root / "conf").mkdir()
        (root / "scripts").mkdir()
        (root / "docs").mkdir()
        (root / ".ci").mkdir()
        (root / ".ci" / "run").write_text("#!/bin/sh\n")
        (root / "conf" / "application.conf").write_text("olist {\n  lease {\n    ttl-seconds = 120\n  }\n}\n")
        (root / "scripts" / "run-pipeline.sh").write_text('case "$1" in\n  --input) ;;\n  --jobs|-j) ;;\nesac\n')
        (root / "docs" / "a.md").write_text("# A\n## Kept heading\n")
        good = ("# Doc\n`scripts/run-pipeline.sh --input x --jobs y`, `olist.lease.ttl-seconds`, "
                "[a](docs/a.md#kept-heading)\n")
        (root / "README.md").write_text(good)
        assert check(root) == [], check(root)
        (root / "README.md").write_text(good + "`scripts/run-pipeline.sh --jvm-per-job`, `olist.lease.holder-pid`, "
                                        "`scripts/gone.sh`, [b](docs/b.md), [c](docs/a.md#gone)\n")
        found = check(root)
        expected = ["--jvm-per-job", "olist.lease.holder-pid", "scripts/gone.sh", "docs/b.md", "docs/a.md#gone"]
        missed = [e for e in expected if not any(e in p for p in found)]
        assert not missed, f"the check let through {missed}: {found}"
    print("check-docs self-test: a removed option, key, script, link and heading each fail the check")


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    if argv[1:]:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems = check(ROOT)
    for p in problems:
        print("docs: " + p, file=sys.stderr)
    if problems:
        print(f"docs check failed: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("docs check: every script, link, configuration key and option the docs name exists")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
