#!/usr/bin/python3
"""End-to-end: the whole ISMAP-LIU story through the `liuctl` CLI (#7).

Every step runs `liuctl ... --json` against the running product, as its users
would, and reads the JSON it prints (clients/liuctl: the spec of commands,
options, exit codes and JSON shapes); the inputs are the walk-through's files
in clients/liuctl/examples/. The story:

  a CSP files a pre-application with two businesses, one on the target list
  (名刺管理, item 3) and one that is not (a 要検討業務: a review case opens)
  -> the using ministry assesses the on-list business; it and a second
  ministry assess the review case -> IPA confirms the case (a ministry may
  not: exit 6) -> the pre-application becomes ELIGIBLE and the CSP sees the
  notification (watch, list) -> IPA registers the service -> the external and
  internal audit plans come out -> the CSP reports an internal audit and the
  coverage moves -> a serious incident suspends the service, and the public
  list shows it suspended -> the audit trail verifies. Plus failure exits
  (malformed file 2, refused 6, invalid 7, not found 8, conflict 9).

The same story runs in three layouts, one ctest each (tests/e2e/CMakeLists.txt):
  AllInOneStoryTest      e2e.all_in_one    one liu-server, plaintext
  MicroservicesStoryTest e2e.microservices deploy/local/microservices.sh: one
                                           process per component, mutual TLS
  ReplicatedStoryTest    e2e.replicated    microservices.sh --replicas=2 on
                                           PostgreSQL (only with
                                           LIU_TEST_DATABASE_URL; skipped else)
With LIU_TEST_DATABASE_URL (a throwaway PostgreSQL server whose user may
CREATE DATABASE) every server gets fresh databases there, dropped afterwards;
without it, SQLite in a temporary data directory.

Environment (set by ctest): LIU_SOURCE_DIR, LIU_SERVER_BINARY, LIU_LIUCTL_BINARY.
Standard library only; run with Debian's /usr/bin/python3.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path
from typing import Any

SOURCE_DIR = Path(os.environ["LIU_SOURCE_DIR"])
SERVER_BINARY = Path(os.environ["LIU_SERVER_BINARY"])
LIUCTL = Path(os.environ["LIU_LIUCTL_BINARY"])
DATABASE_URL = os.environ.get("LIU_TEST_DATABASE_URL", "")
EXAMPLES = SOURCE_DIR / "clients" / "liuctl" / "examples"
MICROSERVICES = SOURCE_DIR / "deploy" / "local" / "microservices.sh"

# Start-up and eventual consistency under AddressSanitizer on a loaded machine.
START_TIMEOUT = 90
CONVERGE_TIMEOUT = 45.0
CALL_TIMEOUT = 90

# Exit codes of liuctl (the spec).
EXIT_USAGE = 2
EXIT_REFUSED = 6
EXIT_INVALID = 7
EXIT_NOT_FOUND = 8
EXIT_CONFLICT = 9

CSP = ("csp", "example-saas")
USING_MINISTRY = ("ministry", "mlit")
SECOND_MINISTRY = ("ministry", "maff")
IPA = ("ipa", "ipa")


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("TEST_TMPDIR")))


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_base_port(count: int) -> int:
    """The first of `count` consecutive loopback ports nobody listens on now."""
    for _ in range(200):
        # Below Linux's ephemeral range (32768-60999), which servers on
        # port 0 and outgoing connections take from.
        base = random.randrange(20000, 32000)
        if all(port_is_free(base + i) for i in range(count)):
            return base
    raise AssertionError(f"no {count} consecutive free ports found")


def psql(*sql: str) -> None:
    """Runs statements on the PostgreSQL server of LIU_TEST_DATABASE_URL."""
    psql_binary = shutil.which("psql")
    if psql_binary is None:
        raise AssertionError("psql is needed with LIU_TEST_DATABASE_URL")
    for statement in sql:
        subprocess.run([psql_binary, DATABASE_URL, "-Xq", "-v", "ON_ERROR_STOP=1",
                        "-c", statement], check=True, capture_output=True, timeout=60)


def with_database(url: str, name: str) -> str:
    """`url` with its database (path) replaced by `name`."""
    scheme, _, rest = url.partition("://")
    authority = re.split(r"[/?]", rest, maxsplit=1)[0]
    query = rest[rest.index("?"):] if "?" in rest else ""
    return f"{scheme}://{authority}/{name}{query}"


def unique_database_prefix() -> str:
    return f"e2e_{os.getpid()}_{random.randrange(1 << 30):x}"


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def objects_with(value: Any, key: str) -> list[dict[str, Any]]:
    """Every JSON object under `value` that has `key`."""
    found = []
    if isinstance(value, dict):
        if key in value:
            found.append(value)
        for item in value.values():
            found.extend(objects_with(item, key))
    elif isinstance(value, list):
        for item in value:
            found.extend(objects_with(item, key))
    return found


def parse_json_output(text: str) -> Any:
    """One JSON document, or JSON Lines (a list of documents)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


class Layout:
    """A running product: the environment that points liuctl at it."""

    env: dict[str, str]
    key_file: Path
    logs: list[Path]

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def describe_logs(self) -> str:
        return "\n".join(f"--- {log}:\n{tail(log)}" for log in self.logs)

    def check_logs(self) -> None:
        """After stop: no sanitizer report in any server's log (the asan build)."""
        for log in self.logs:
            try:
                text = log.read_text(errors="replace")
            except OSError:
                continue
            for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                           "runtime error:"):
                if marker in text:
                    start = text.index(marker)
                    raise AssertionError(f"{log}: {marker}\n{text[start:start + 6000]}")


class AllInOne(Layout):
    """One liu-server hosting every service, plaintext on a free loopback port."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data_dir = directory / "data"
        self.key_file = self.data_dir / "dev-signing-key.pem"
        self.log = directory / "liu-server.log"
        self.logs = [self.log]
        self.database = ""
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        flags = ["--listen=127.0.0.1:0", "--plaintext", f"--data_dir={self.data_dir}",
                 f"--rules_dir={SOURCE_DIR / 'rules'}", "--shutdown_grace=5s"]
        if DATABASE_URL:
            self.database = unique_database_prefix()
            psql(f"CREATE DATABASE {self.database} TEMPLATE template0 ENCODING 'UTF8' "
                 "LC_COLLATE 'C' LC_CTYPE 'C'")
            flags.append(f"--database_url={with_database(DATABASE_URL, self.database)}")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([str(SERVER_BINARY), *flags], stdout=log,
                                            stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        port = None
        while port is None:
            match = re.search(r"\(port ([0-9]+)\)", self.log.read_text(errors="replace"))
            if match:
                port = int(match.group(1))
            elif self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"liu-server did not start:\n{self.describe_logs()}")
            else:
                time.sleep(0.05)
        self.env = {"LIU_SERVER": f"127.0.0.1:{port}"}

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.database:
            psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        if self.process is not None:
            self.check_logs()
            if self.process.returncode != 0:
                raise AssertionError(f"liu-server exited {self.process.returncode} on "
                                     f"SIGTERM:\n{self.describe_logs()}")


class Microservices(Layout):
    """deploy/local/microservices.sh: one process per component (per replica)."""

    def __init__(self, directory: Path, replicas: int = 1) -> None:
        self.directory = directory
        self.state_dir = directory / "microservices"
        self.key_file = self.state_dir / "dev-signing-key.pem"
        self.replicas = replicas
        self.database_prefix = ""
        self.logs = [self.state_dir / f"{component}-{replica}.log"
                     for replica in range(1, replicas + 1)
                     for component in ("impact", "eligibility", "audit")]

    def script(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", str(MICROSERVICES), *args,
                               f"--dir={self.state_dir}"],
                              capture_output=True, text=True, timeout=START_TIMEOUT + 60,
                              stdin=subprocess.DEVNULL)

    def start(self) -> None:
        options = [f"--bin_dir={SERVER_BINARY.parent}", f"--replicas={self.replicas}",
                   f"--timeout={START_TIMEOUT}"]
        if DATABASE_URL:
            self.database_prefix = unique_database_prefix()
            options += [f"--database_url={DATABASE_URL}",
                        f"--database_prefix={self.database_prefix}"]
        # Free ports can be taken by another test between the check and the
        # start: then again on other ports.
        for attempt in range(3):
            base_port = free_base_port(3 * self.replicas)
            started = self.script("start", f"--base_port={base_port}", *options)
            if started.returncode == 0:
                break
            if attempt == 2 or "address already in use" not in started.stderr.lower():
                raise AssertionError(
                    f"microservices.sh start failed ({started.returncode}):\n"
                    f"{started.stdout}\n{started.stderr}\n{self.describe_logs()}")
        printed = self.script("env")
        if printed.returncode != 0:
            raise AssertionError(f"microservices.sh env failed:\n{printed.stderr}")
        self.env = {}
        for line in printed.stdout.splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["export"]:
                name, _, value = words[1].partition("=")
                self.env[name] = value
        for name in ("LIU_IMPACT_SERVER", "LIU_ELIGIBILITY_SERVER", "LIU_AUDIT_SERVER",
                     "LIU_SERVER", "LIU_TLS_CA", "LIU_TLS_CERT", "LIU_TLS_KEY"):
            if name not in self.env:
                raise AssertionError(f"microservices.sh env printed no {name}:\n"
                                     f"{printed.stdout}")

    def status(self) -> subprocess.CompletedProcess[str]:
        return self.script("status")

    def stop(self) -> None:
        if not (self.state_dir / "layout").exists():
            return  # never started
        stopped = self.script("stop")
        if self.database_prefix:
            psql(*(f"DROP DATABASE IF EXISTS {self.database_prefix}_{component} WITH (FORCE)"
                   for component in ("impact", "eligibility", "audit")))
        if stopped.returncode != 0:
            raise AssertionError(f"microservices.sh stop failed:\n{stopped.stderr}")
        if "SIGKILL" in stopped.stderr:
            raise AssertionError(f"a server did not stop on SIGTERM:\n{stopped.stderr}")
        self.check_logs()


class StoryTest(unittest.TestCase):
    """The story, in whichever layout `make_layout` starts."""

    layout: Layout

    def make_layout(self, directory: Path) -> Layout:
        raise NotImplementedError

    def setUp(self) -> None:
        self.directory = temp_dir("liu-e2e-")
        self.layout = self.make_layout(self.directory)
        # Cleanups run last-in first-out: stop, then remove the directory.
        self.addCleanup(shutil.rmtree, self.directory, ignore_errors=True)
        self.addCleanup(self.layout.stop)
        self.layout.start()
        self.tokens = {who: self.dev_token(*who) for who in (CSP, USING_MINISTRY,
                                                              SECOND_MINISTRY, IPA)}

    # ---- running liuctl

    def run_liuctl(self, *args: str, who: tuple[str, str] | None = None,
                   json_output: bool = True) -> subprocess.CompletedProcess[str]:
        # Only what the layout sets: no LIU_* of the caller's shell.
        env = {name: value for name, value in os.environ.items()
               if not name.startswith("LIU_")}
        env.update(self.layout.env)
        if who is not None:
            env["LIU_TOKEN"] = self.tokens[who]
        command = [str(LIUCTL), *args, *(["--json"] if json_output else [])]
        return subprocess.run(command, env=env, capture_output=True, text=True,
                              timeout=CALL_TIMEOUT, stdin=subprocess.DEVNULL)

    def liuctl(self, *args: str, who: tuple[str, str] | None = None,
               expect: int = 0, json_lines: bool = False) -> Any:
        """Runs liuctl with --json; asserts its exit code; returns the parsed output
        (a list of objects with `json_lines`) on success, or the completed
        process on an expected failure."""
        result = self.run_liuctl(*args, who=who)
        if result.returncode != expect:
            self.fail(f"liuctl {shlex.join(args)} (as {who}) exited {result.returncode}, "
                      f"expected {expect}\nstdout:\n{result.stdout[:3000]}\nstderr:\n"
                      f"{result.stderr}\n{self.layout.describe_logs()}")
        if expect != 0:
            return result
        try:
            if json_lines:
                return [json.loads(line) for line in result.stdout.splitlines()
                        if line.strip()]
            return parse_json_output(result.stdout)
        except json.JSONDecodeError as error:
            self.fail(f"liuctl {shlex.join(args)}: output is not JSON ({error}):\n"
                      f"{result.stdout}")

    def dev_token(self, role: str, organisation: str) -> str:
        printed = self.liuctl("dev-token", f"--role={role}", f"--organisation={organisation}",
                              f"--key_file={self.layout.key_file}")
        self.assertIsInstance(printed.get("token"), str, printed)
        return printed["token"]

    def eventually(self, what: str, probe, done) -> Any:
        """Calls probe() until done(result) or CONVERGE_TIMEOUT: the judgement
        follows assessments and decisions asynchronously."""
        deadline = time.monotonic() + CONVERGE_TIMEOUT
        while True:
            result = probe()
            if done(result):
                return result
            if time.monotonic() > deadline:
                self.fail(f"{what}: not reached within {CONVERGE_TIMEOUT} s; last:\n"
                          f"{json.dumps(result, ensure_ascii=False, indent=1)[:4000]}\n"
                          f"{self.layout.describe_logs()}")
            time.sleep(0.2)

    # ---- the story

    def test_story(self) -> None:
        self.assertEqual(self.run_liuctl("health", json_output=False).returncode, 0)

        # A CSP files a pre-application (事前申請) with two businesses.
        pre = self.liuctl("pre-application", "file", str(EXAMPLES / "pre-application.yaml"),
                          "--request_id=e2e-file", who=CSP)
        name = pre["name"]
        self.assertRegex(name, r"^preApplications/[^/]+$")
        self.assertEqual(pre["state"], "STATE_ACTIVE")
        judgement = pre["judgement"]
        self.assertEqual(judgement["overallOutcome"], "ELIGIBILITY_OUTCOME_NEEDS_REVIEW")
        businesses = {b["businessId"]: b for b in judgement["businesses"]}
        on_list, off_list = businesses["meishi-kanri"], businesses["nouhin-kanri"]
        self.assertEqual(on_list["outcome"], "ELIGIBILITY_OUTCOME_WAITING_FOR_ASSESSMENT")
        self.assertEqual(on_list["matchedTargetBusiness"], "targetBusinesses/3")
        self.assertEqual(on_list["waitingForMinistries"], ["ministries/mlit"])
        self.assertEqual(off_list["outcome"], "ELIGIBILITY_OUTCOME_NEEDS_REVIEW")
        self.assertNotIn("matchedTargetBusiness", off_list)
        case = off_list["reviewCase"]
        self.assertRegex(case, r"^reviewCases/[^/]+$")

        # The same request id again: the same pre-application, not a second one.
        again = self.liuctl("pre-application", "file", str(EXAMPLES / "pre-application.yaml"),
                            "--request_id=e2e-file", who=CSP)
        self.assertEqual(again["name"], name)
        # A malformed file is a usage error, before any call.
        malformed = self.directory / "malformed.yaml"
        malformed.write_text("serviceName: [unclosed\nbusinesses: {\n", encoding="utf-8")
        self.liuctl("pre-application", "file", str(malformed), who=CSP, expect=EXIT_USAGE)
        self.liuctl("pre-application", "show", "preApplications/00000000000000000000",
                    who=CSP, expect=EXIT_NOT_FOUND)

        # The using ministry sees what waits for it: the pre-application and
        # the open review case.
        awaiting = self.liuctl("awaiting", who=USING_MINISTRY)
        self.assertIn(name, [p["name"] for p in awaiting.get("preApplications", [])])
        self.assertIn(case, [c["name"] for c in awaiting.get("reviewCases", [])])

        # Without the justification its answers ask for, the server refuses
        # the assessment as invalid (7).
        example = (EXAMPLES / "assessment-low.yaml").read_text(encoding="utf-8")
        unjustified = self.directory / "unjustified.yaml"
        unjustified.write_text(example[:example.index("\njustification:")] + "\n",
                               encoding="utf-8")
        self.liuctl("assessment", "submit", str(unjustified), f"--pre_application={name}",
                    "--business=meishi-kanri", who=USING_MINISTRY, expect=EXIT_INVALID)

        # It assesses the on-list business (影響度評価), LOW on C, I and A.
        assessment = self.liuctl(
            "assessment", "submit", str(EXAMPLES / "assessment-low.yaml"),
            f"--pre_application={name}", "--business=meishi-kanri",
            "--request_id=e2e-assess-meishi", who=USING_MINISTRY)
        self.assertEqual(assessment["ministry"], "ministries/mlit")
        self.assertTrue(assessment.get("allLow"), assessment)
        self.assertEqual(assessment["state"], "STATE_ACTIVE")

        # The review case (要検討業務) is assessed by two distinct ministries.
        for ministry in (USING_MINISTRY, SECOND_MINISTRY):
            assessed = self.liuctl(
                "assessment", "submit", str(EXAMPLES / "assessment-low-review-case.yaml"),
                f"--review_case={case}", who=ministry)
            self.assertEqual(assessed["reviewCase"], case)
            self.assertTrue(assessed.get("allLow"), assessed)

        # IPA sees the case with both LOW assessments counted.
        open_cases = self.liuctl("review", "list", "--state=open", who=IPA)
        self.assertIn(case, [c["name"] for c in open_cases.get("reviewCases", [])])
        reviewed = self.eventually(
            "two ministries counted on the review case",
            lambda: self.liuctl("review", "show", case, who=IPA),
            lambda c: len(c.get("lowAssessmentMinistries", [])) >= 2)
        self.assertEqual(sorted(reviewed["lowAssessmentMinistries"]),
                         ["ministries/maff", "ministries/mlit"])
        self.assertEqual(reviewed["requiredDistinctMinistries"], 2)

        # The on-list business is eligible now; the whole waits for the case.
        shown = self.eventually(
            "the on-list business judged ELIGIBLE",
            lambda: self.liuctl("pre-application", "show", name, who=CSP),
            lambda p: {b["businessId"]: b.get("outcome") for b in p["judgement"]["businesses"]}
            .get("meishi-kanri") == "ELIGIBILITY_OUTCOME_ELIGIBLE")
        self.assertEqual(shown["judgement"]["overallOutcome"],
                         "ELIGIBILITY_OUTCOME_NEEDS_REVIEW")
        before = self.liuctl("notifications", "list", who=CSP).get("notifications", [])
        self.assertTrue(before, "the first judgement is notified")
        last_sequence = max(int(n["sequence"]) for n in before)

        # The CSP watches for the next notification while IPA decides.
        watch_env = {name: value for name, value in os.environ.items()
                     if not name.startswith("LIU_")}
        watch_env.update(self.layout.env, LIU_TOKEN=self.tokens[CSP])
        watcher = subprocess.Popen(
            [str(LIUCTL), "notifications", "watch", f"--after={last_sequence}", "--count=1",
             f"--for={int(CONVERGE_TIMEOUT)}s", "--json"],
            env=watch_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            stdin=subprocess.DEVNULL)
        self.addCleanup(lambda: watcher.poll() is not None or watcher.kill())

        # Only IPA confirms; a ministry is refused.
        self.liuctl("review", "confirm", case, "--reason=二省庁の低位評価を確認した",
                    who=USING_MINISTRY, expect=EXIT_REFUSED)
        confirmed = self.liuctl("review", "confirm", case,
                                "--reason=二省庁の低位評価を確認した", who=IPA)
        self.assertEqual(confirmed["state"], "STATE_CONFIRMED")
        # Exactly one confirmation succeeds: the case is no longer OPEN.
        self.liuctl("review", "confirm", case, "--reason=二度目", who=IPA,
                    expect=EXIT_CONFLICT)
        new_item = confirmed["decision"]["targetBusiness"]
        self.assertRegex(new_item, r"^targetBusinesses/[0-9]+$")
        self.assertIn(new_item, [t["name"] for t in
                                 self.liuctl("target-list", "show", who=IPA)
                                 .get("targetBusinesses", [])])

        # The pre-application becomes ELIGIBLE (LIU対象) ...
        eligible = self.eventually(
            "the pre-application judged ELIGIBLE",
            lambda: self.liuctl("pre-application", "show", name, who=CSP),
            lambda p: p["judgement"]["overallOutcome"] == "ELIGIBILITY_OUTCOME_ELIGIBLE")
        for business in eligible["judgement"]["businesses"]:
            self.assertEqual(business["outcome"], "ELIGIBILITY_OUTCOME_ELIGIBLE", business)
        self.assertEqual({b["businessId"]: b.get("matchedTargetBusiness")
                          for b in eligible["judgement"]["businesses"]}["nouhin-kanri"],
                         new_item)

        # ... and the CSP is notified (判断結果の通知): live on the watch, and listed.
        try:
            watched_out, watched_err = watcher.communicate(timeout=CONVERGE_TIMEOUT + 30)
        except subprocess.TimeoutExpired:
            watcher.kill()
            watched_out, watched_err = watcher.communicate()
        self.assertEqual(watcher.returncode, 0, f"notifications watch:\n{watched_err}")
        watched = [json.loads(line) for line in watched_out.splitlines() if line.strip()]
        self.assertEqual(len(watched), 1, watched_out)
        self.assertEqual(watched[0]["preApplication"], name)
        self.assertEqual(watched[0]["newOutcome"], "ELIGIBILITY_OUTCOME_ELIGIBLE")
        self.assertEqual(watched[0]["previousOutcome"], "ELIGIBILITY_OUTCOME_NEEDS_REVIEW")
        listed = self.liuctl("notifications", "list", f"--after={last_sequence}", who=CSP)
        self.assertEqual([n["name"] for n in listed.get("notifications", [])],
                         [watched[0]["name"]])
        everything = self.liuctl("notifications", "list", who=CSP).get("notifications", [])
        replayed = self.liuctl("notifications", "watch", "--after=0",
                               f"--count={len(everything)}", "--for=30s", who=CSP,
                               json_lines=True)
        self.assertEqual(sorted(int(n["sequence"]) for n in replayed),
                         sorted(int(n["sequence"]) for n in everything))

        # IPA registers the service (登録) with a statement scope.
        service = self.liuctl("service", "register", name,
                              f"--scope={EXAMPLES / 'statement-scope.yaml'}",
                              "--reason=外部監査の結果を確認した",
                              "--request_id=e2e-register", who=IPA)
        service_name = service["name"]
        self.assertRegex(service_name, r"^services/[^/]+$")
        self.assertEqual(service["state"], "STATE_REGISTERED")
        self.assertEqual(service["preApplication"], name)
        in_scope = service["statementScope"]["objectivesInScope"]
        self.assertEqual(in_scope, 147)  # 148 objectives, 14.2.7 excluded
        public = self.liuctl("services", "list", who=SECOND_MINISTRY)
        self.assertEqual({e["service"]: e["state"] for e in public.get("services", [])}
                         .get(service_name), "STATE_REGISTERED")

        # The audit plans (外部監査計画, 内部監査計画) come out.
        plans = self.liuctl("service", "plans", service_name, who=CSP)
        external = plans["externalAuditPlans"]
        self.assertGreaterEqual(len(external), 3)
        self.assertEqual([p["auditYear"] for p in external],
                         list(range(1, len(external) + 1)))
        first_year = {o["objectiveId"]: o for o in external[0]["objectives"]}
        self.assertIn("INCLUSION_REASON_GOVERNANCE_MANAGEMENT_EVERY_YEAR",
                      first_year["3.1.1"]["reasons"])
        for plan in external:
            self.assertNotIn("14.2.7", [o["objectiveId"] for o in plan["objectives"]])
        internal = plans["internalAuditPlan"]
        self.assertEqual(internal["rotationYears"], 3)
        rotation = [objective for year in internal["years"]
                    for objective in year.get("objectives", [])]
        self.assertEqual(len(rotation), in_scope)  # every objective once in 3 years
        self.assertEqual(len(set(rotation)), in_scope)
        self.assertNotIn("14.2.7", rotation)
        only_year_one = self.liuctl("service", "plans", service_name, "--year=1", who=CSP)
        self.assertEqual([p["auditYear"] for p in only_year_one["externalAuditPlans"]], [1])

        # The CSP reports an internal audit (内部監査報告書); coverage moves.
        coverage = self.liuctl("service", "coverage", service_name, who=CSP)
        self.assertEqual(len(coverage["objectives"]), in_scope)
        self.assertEqual([o for o in coverage["objectives"] if o.get("lastReport")], [])
        report = self.liuctl("internal-audit", "report", service_name,
                             str(EXAMPLES / "internal-audit-report.yaml"),
                             "--request_id=e2e-report", who=CSP)
        self.assertTrue(report["name"].startswith(service_name + "/internalAuditReports/"),
                        report)
        audited = report["auditedObjectives"]
        self.assertEqual(len(audited), 7)
        coverage = self.liuctl("service", "coverage", service_name, who=CSP)
        last_reports = {o["objectiveId"]: o.get("lastReport", "")
                        for o in coverage["objectives"]}
        self.assertEqual(sorted(o for o, r in last_reports.items() if r), sorted(audited))
        self.assertEqual({last_reports[o] for o in audited}, {report["name"]})
        self.assertEqual([r["name"] for r in self.liuctl(
            "internal-audit", "list", service_name, who=CSP).get("internalAuditReports", [])],
            [report["name"]])
        self.assertEqual(self.liuctl("internal-audit", "plan", service_name,
                                     who=CSP).get("reportsConsidered"), 1)

        # A particularly serious incident suspends the service at once
        # (即座に一時停止); only IPA may.
        occurred = (datetime.datetime.now(datetime.timezone.utc)
                    - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        incident = ["--description=不正アクセスによる情報漏えい", "--objectives=9.2.3,12.6.1",
                    f"--occurred={occurred}"]
        self.liuctl("service", "suspend", service_name, *incident, who=CSP,
                    expect=EXIT_REFUSED)
        suspended = self.liuctl("service", "suspend", service_name, *incident, who=IPA)
        self.assertEqual(suspended["state"], "STATE_SUSPENDED")
        self.assertEqual(suspended["incidents"][-1]["objectives"], ["9.2.3", "12.6.1"])
        public = self.liuctl("services", "list", who=SECOND_MINISTRY)
        self.assertEqual({e["service"]: e["state"] for e in public.get("services", [])}
                         .get(service_name), "STATE_SUSPENDED")
        # The incident's objectives join the next year's external audit.
        year_two = self.liuctl("service", "plans", service_name, "--year=2", who=IPA)
        pulled_in = {o["objectiveId"] for o in year_two["externalAuditPlans"][0]["objectives"]
                     if "INCLUSION_REASON_PULLED_IN_BY_INCIDENT" in o["reasons"]}
        self.assertEqual(pulled_in, {"9.2.3", "12.6.1"})

        # The audit trail of every configured server (each component, through
        # its replica list) verifies; only IPA may verify it.
        self.liuctl("audit", "verify", who=CSP, expect=EXIT_REFUSED)
        verified = self.liuctl("audit", "verify", who=IPA)
        self.assertEqual(set(verified), {address for name, address in self.layout.env.items()
                                         if name.endswith("SERVER")}, verified)
        for verification in objects_with(verified, "intact"):
            self.assertTrue(verification["intact"], verification)
            self.assertGreater(int(verification["eventsChecked"]), 0, verification)

        self.check_layout()

    def check_layout(self) -> None:
        """Checks particular to the layout, after the story."""


class AllInOneStoryTest(StoryTest):
    def make_layout(self, directory: Path) -> Layout:
        return AllInOne(directory)


class MicroservicesStoryTest(StoryTest):
    replicas = 1

    def make_layout(self, directory: Path) -> Layout:
        return Microservices(directory, replicas=self.replicas)

    def check_layout(self) -> None:
        assert isinstance(self.layout, Microservices)
        status = self.layout.status()
        self.assertEqual(status.returncode, 0, status.stdout + status.stderr)
        self.assertEqual(status.stdout.count("SERVING"), 3 * self.replicas, status.stdout)
        # Mutual TLS: without a client certificate a server refuses the
        # connection, and liuctl reports it unreachable (4).
        env = dict(self.layout.env)
        env.pop("LIU_TLS_CERT")
        env.pop("LIU_TLS_KEY")
        saved, self.layout.env = self.layout.env, env
        try:
            self.assertEqual(self.run_liuctl("health", json_output=False).returncode, 4)
        finally:
            self.layout.env = saved


class ReplicatedStoryTest(MicroservicesStoryTest):
    replicas = 2

    def setUp(self) -> None:
        if not DATABASE_URL:
            self.skipTest("the replicated layout shares a PostgreSQL database: "
                          "set LIU_TEST_DATABASE_URL (tests/run.sh does)")
        super().setUp()

    def check_layout(self) -> None:
        super().check_layout()
        # Round-robin over the replica lists: every eligibility replica served
        # calls of the story.
        for replica in (1, 2):
            log = self.layout.state_dir / f"eligibility-{replica}.log"
            self.assertIn("rpc service=ismap.liu.v1.", log.read_text(errors="replace"),
                          f"eligibility-{replica} served no call:\n{tail(log)}")


if __name__ == "__main__":
    # Exit 77 (ctest SKIP_RETURN_CODE) when everything run was skipped.
    program = unittest.main(exit=False, verbosity=2)
    result = program.result
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0 if result.wasSuccessful() else 1)
