#!/usr/bin/python3
"""Tests of the Python client package (clients/python) and its examples.

LiveServerTest, EligibilityExampleTest and TlsTest run the package and the
examples against real liu-server processes on loopback ports, with tokens
minted by `liuctl dev-token`; ChannelTest checks the channel factory's rules;
ServiceCoverageTest checks that every RPC of the API has its typed method and
that the method calls that RPC; ExampleTest checks the example scripts'
command lines and inputs.

ctest runs each class on its own (tests/clients/python/CMakeLists.txt) with
PYTHONPATH at the built package and these variables set:
  LIU_SERVER_BINARY, LIU_LIUCTL_BINARY   the binaries under test
  LIU_SOURCE_DIR                         the repository (rules/, examples, make-certs.sh)
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format, symbol_database, text_format
from ismap.liu.v1 import audit_trail_pb2, eligibility_pb2, impact_assessment_pb2
from ismap.liu.v1 import rule_set_pb2, rules_pb2

from ismap_liu import (LiuClient, ServingStatus, TlsConfig, describe_error, list_all,
                       open_channel)
from ismap_liu.channel import is_loopback_target
from ismap_liu.errors import field_violations
from ismap_liu.services import SERVICES

SOURCE_DIR = Path(os.environ["LIU_SOURCE_DIR"])
SERVER_BINARY = os.environ["LIU_SERVER_BINARY"]
LIUCTL_BINARY = os.environ["LIU_LIUCTL_BINARY"]
RULES_DIR = SOURCE_DIR / "rules"
EXAMPLES_DIR = SOURCE_DIR / "clients" / "python" / "examples"

# Start-up under AddressSanitizer takes a few seconds on a loaded machine.
START_TIMEOUT = 60.0


def make_temp_dir() -> Path:
    """A fresh directory under $TEST_TMPDIR (or the system's)."""
    return Path(tempfile.mkdtemp(prefix="liu-python-", dir=os.environ.get("TEST_TMPDIR")))


class ServerProcess:
    """A liu-server child process on a free loopback port, serving until stop()."""

    def __init__(self, directory: Path, rules_dir: Path, *extra_flags: str) -> None:
        self.log_path = directory / f"server-{time.monotonic_ns()}.log"
        self.data_dir = directory / "data"
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [SERVER_BINARY, "--listen=127.0.0.1:0", f"--data_dir={self.data_dir}",
                 f"--rules_dir={rules_dir}", *extra_flags],
                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while "Ctrl-C to stop" not in self.output():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self._process.kill()
                self._process.wait()
                raise AssertionError(f"liu-server did not start:\n{self.output()}")
            time.sleep(0.05)
        match = re.search(r"\(port ([0-9]+)\)", self.output())
        if match is None:
            raise AssertionError(f"liu-server printed no port:\n{self.output()}")
        self.address = f"127.0.0.1:{match.group(1)}"

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def token(self, role: str, organisation: str) -> str:
        """A development token signed with this server's key."""
        minted = subprocess.run(
            [LIUCTL_BINARY, "dev-token", f"--role={role}",
             f"--organisation={organisation}",
             f"--key_file={self.data_dir / 'dev-signing-key.pem'}"],
            capture_output=True, text=True, timeout=30, check=True)
        return minted.stdout.strip()

    def stop(self) -> int:
        """SIGTERM, then the exit code."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
        try:
            return self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            raise AssertionError(f"liu-server ignored SIGTERM:\n{self.output()}")


def run_example(script: str, *args: str,
                environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Runs an example script with this interpreter; its exit code and output."""
    env = {key: value for key, value in os.environ.items() if key != "LIU_TOKEN"}
    env.update(environment or {})
    return subprocess.run([sys.executable, str(EXAMPLES_DIR / script), *args],
                          capture_output=True, text=True, encoding="utf-8",
                          env=env, timeout=60)


def free_loopback_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServerTest(unittest.TestCase):
    """The package against a plaintext loopback server that has run on two rule
    sets (so that there are two rule sets and two audit events to page through)."""

    directory: Path
    server: ServerProcess
    ipa_token: str
    ministry_token: str

    @classmethod
    def setUpClass(cls) -> None:
        cls.directory = make_temp_dir()
        cls.addClassCleanup(shutil.rmtree, cls.directory, True)
        earlier_rules = cls.directory / "earlier-rules"
        shutil.copytree(RULES_DIR, earlier_rules)
        (earlier_rules / "review_policy.textproto").write_text(
            "# proto-message: ismap.liu.v1.ReviewPolicy\n"
            "processing_period_days: 45\nrequired_distinct_ministries: 2\n",
            encoding="utf-8")
        earlier = ServerProcess(cls.directory, earlier_rules, "--plaintext")
        if earlier.stop() != 0:
            raise AssertionError(f"liu-server did not stop cleanly:\n{earlier.output()}")
        cls.server = ServerProcess(cls.directory, RULES_DIR, "--plaintext")
        cls.addClassCleanup(cls.server.stop)
        cls.ipa_token = cls.server.token("ipa", "ipa")
        cls.ministry_token = cls.server.token("ministry", "mlit")

    def client(self, token: str | None) -> LiuClient:
        client = LiuClient(open_channel(self.server.address, token=token), timeout=30)
        self.addCleanup(client.close)
        return client

    def test_the_server_and_every_service_are_serving(self) -> None:
        client = self.client(token=None)  # Health needs no token.
        self.assertEqual(client.check_health(), ServingStatus.SERVING)
        for name in SERVICES:
            with self.subTest(service=name):
                self.assertEqual(client.check_health(name), ServingStatus.SERVING)

    def test_health_of_an_unknown_service_is_not_found(self) -> None:
        with self.assertRaises(grpc.RpcError) as raised:
            self.client(token=None).check_health("ismap.liu.v1.NoSuchService")
        self.assertEqual(raised.exception.code(), grpc.StatusCode.NOT_FOUND)

    def test_ipa_lists_the_rule_sets_newest_first(self) -> None:
        response = self.client(self.ipa_token).rule_sets.list_rule_sets(
            rule_set_pb2.ListRuleSetsRequest())
        self.assertEqual(len(response.rule_sets), 2)
        newest, earlier = response.rule_sets
        self.assertTrue(newest.current)
        self.assertFalse(earlier.current)
        self.assertRegex(newest.version, r"^[0-9a-f]{64}$")
        self.assertNotEqual(newest.version, earlier.version)
        self.assertEqual(newest.name, f"ruleSets/{newest.version}")
        self.assertIn(f"rules {newest.version}", self.server.output())

    def test_rule_files_round_trip_byte_for_byte(self) -> None:
        current = self.client(self.ipa_token).rule_sets.get_rule_set(
            rule_set_pb2.GetRuleSetRequest(name="ruleSets/current"))
        expected = {path.name: path.read_text(encoding="utf-8")
                    for path in RULES_DIR.glob("*.textproto")}
        self.assertEqual([file.path for file in current.files], sorted(expected))
        for file in current.files:
            with self.subTest(file=file.path):
                self.assertEqual(file.content, expected[file.path])
        self.assertIn("名刺情報", "".join(file.content for file in current.files))

    def test_list_all_follows_the_page_tokens(self) -> None:
        client = self.client(self.ipa_token)
        events = list(list_all(client.audit_trail.list_audit_events,
                               audit_trail_pb2.ListAuditEventsRequest(page_size=1),
                               "audit_events"))
        self.assertEqual([event.sequence for event in events], [1, 2])
        self.assertEqual({event.action for event in events}, {"LoadRuleSet"})
        self.assertEqual(events[1].previous_hash, events[0].hash)

    def test_ipa_verifies_the_audit_trail(self) -> None:
        verification = self.client(self.ipa_token).audit_trail.verify_audit_trail(
            audit_trail_pb2.VerifyAuditTrailRequest())
        self.assertTrue(verification.intact, verification.reason)
        self.assertEqual(verification.events_checked, 2)
        self.assertEqual(verification.first_broken_sequence, 0)

    def test_a_call_without_a_token_is_unauthenticated(self) -> None:
        with self.assertRaises(grpc.RpcError) as raised:
            self.client(token=None).audit_trail.verify_audit_trail(
                audit_trail_pb2.VerifyAuditTrailRequest())
        self.assertEqual(raised.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        self.assertRegex(describe_error(raised.exception), r"^UNAUTHENTICATED: \S")

    def test_a_ministry_may_not_verify_the_audit_trail(self) -> None:
        with self.assertRaises(grpc.RpcError) as raised:
            self.client(self.ministry_token).audit_trail.verify_audit_trail(
                audit_trail_pb2.VerifyAuditTrailRequest())
        self.assertEqual(raised.exception.code(), grpc.StatusCode.PERMISSION_DENIED)

    def test_invalid_arguments_name_every_offending_field(self) -> None:
        with self.assertRaises(grpc.RpcError) as raised:
            self.client(self.ipa_token).rule_sets.list_rule_sets(
                rule_set_pb2.ListRuleSetsRequest(page_size=-1, page_token="forged"))
        self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual({violation.field for violation in field_violations(raised.exception)},
                         {"page_size", "page_token"})
        self.assertIn("\n  page_size: must not be negative", describe_error(raised.exception))

    def test_the_ipa_example_verifies_the_audit_trail(self) -> None:
        result = run_example("ipa.py", f"--server={self.server.address}", "verify",
                             environment={"LIU_TOKEN": self.ipa_token})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "intact: 2 events verified\n")

    def test_an_example_reports_a_refused_call_in_one_line(self) -> None:
        result = run_example("ipa.py", f"--server={self.server.address}",
                             "--token=not-a-token", "verify")
        self.assertEqual(result.returncode, 6, result.stderr)
        self.assertRegex(result.stderr, r"^ipa\.py: refused: UNAUTHENTICATED: \S.*\n$")
        self.assertEqual(result.stdout, "")

    def test_an_example_refused_by_role_exits_6(self) -> None:
        result = run_example("ipa.py", f"--server={self.server.address}", "verify",
                             environment={"LIU_TOKEN": self.ministry_token})
        self.assertEqual(result.returncode, 6, result.stderr)
        self.assertIn("PERMISSION_DENIED", result.stderr)

    def test_an_example_without_a_token_is_a_usage_error(self) -> None:
        result = run_example("ipa.py", f"--server={self.server.address}", "verify")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("no token", result.stderr)

    def test_an_example_reports_an_unreachable_server(self) -> None:
        result = run_example("ipa.py", f"--server=127.0.0.1:{free_loopback_port()}",
                             "--timeout=10", "verify",
                             environment={"LIU_TOKEN": self.ipa_token})
        self.assertEqual(result.returncode, 4, result.stderr)
        self.assertIn("cannot reach", result.stderr)
        self.assertNotIn("Traceback", result.stderr)


class EligibilityExampleTest(unittest.TestCase):
    """The CSP and ministry examples against the server's eligibility and
    impact services: filing pre_application.json, its judgement, notifications,
    the ministries' list and their assessments from impact_assessment.json."""

    directory: Path
    server: ServerProcess

    @classmethod
    def setUpClass(cls) -> None:
        cls.directory = make_temp_dir()
        cls.addClassCleanup(shutil.rmtree, cls.directory, True)
        cls.server = ServerProcess(cls.directory, RULES_DIR, "--plaintext")
        cls.addClassCleanup(cls.server.stop)

    def run_as(self, script: str, role: str, organisation: str,
               *args: str) -> subprocess.CompletedProcess[str]:
        result = run_example(script, f"--server={self.server.address}", *args,
                             environment={"LIU_TOKEN": self.server.token(role, organisation)})
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def test_a_csp_files_reads_and_is_notified_and_a_ministry_sees_it(self) -> None:
        example = str(EXAMPLES_DIR / "pre_application.json")
        filed = self.run_as("csp.py", "csp", "example-saas", "file", example,
                            "--request_id=python-example-1")
        match = re.search(r"^filed (preApplications/\S+) ", filed.stdout, re.MULTILINE)
        if match is None:
            self.fail(f"no pre-application name in: {filed.stdout}")
        name = match.group(1)
        shown = self.run_as("csp.py", "csp", "example-saas", "show", name)
        for output in (filed.stdout, shown.stdout):
            self.assertIn(f"{name} 「名刺管理クラウド」 csps/example-saas ACTIVE", output)
            self.assertIn("business meishi-kanri: WAITING_FOR_ASSESSMENT, matches "
                          "targetBusinesses/3", output)
            self.assertIn("waiting for the impact assessment of ministries/mlit", output)
            self.assertIn("waiting for the impact assessment of ministries/maff", output)

        # The same request id again: the same pre-application, not a second one.
        retried = self.run_as("csp.py", "csp", "example-saas", "file", example,
                              "--request_id=python-example-1")
        self.assertIn(f"filed {name} ", retried.stdout)

        notifications = self.run_as("csp.py", "csp", "example-saas", "notifications")
        self.assertRegex(notifications.stdout,
                         rf"#\d+ \S+ {name}: none -> WAITING_FOR_ASSESSMENT\n")
        self.assertIn("business meishi-kanri: none -> WAITING_FOR_ASSESSMENT",
                      notifications.stdout)

        waiting = self.run_as("ministry.py", "ministry", "mlit", "pre-applications",
                              "--ministry=mlit", "--waiting")
        self.assertIn(f"{name} 「名刺管理クラウド」 csps/example-saas: "
                      "WAITING_FOR_ASSESSMENT", waiting.stdout)
        self.assertIn("business meishi-kanri 「名刺管理」: WAITING_FOR_ASSESSMENT (waiting "
                      "for your assessment)", waiting.stdout)
        other = self.run_as("ministry.py", "ministry", "mhlw", "pre-applications",
                            "--ministry=mhlw")
        self.assertEqual(other.stdout, "")


    def test_two_ministries_assess_and_the_pre_application_becomes_eligible(self) -> None:
        filed = self.run_as("csp.py", "csp", "other-saas", "file",
                            str(EXAMPLES_DIR / "pre_application.json"))
        match = re.search(r"^filed (preApplications/\S+) ", filed.stdout, re.MULTILINE)
        if match is None:
            self.fail(f"no pre-application name in: {filed.stdout}")
        name = match.group(1)
        for ministry in ("mlit", "maff"):
            assessed = self.run_as(
                "ministry.py", "ministry", ministry, "assess",
                str(EXAMPLES_DIR / "impact_assessment.json"), f"--pre_application={name}",
                "--business_id=meishi-kanri")
            self.assertRegex(assessed.stdout,
                             rf"^submitted ministries/{ministry}/impactAssessments/\S+ "
                             r"revision 1 ")
            self.assertIn("C/I/A: LOW/LOW/LOW, overall LOW, low impact", assessed.stdout)

        # The server re-judges when it learns of the assessments, asynchronously.
        deadline = time.monotonic() + 30
        while True:
            shown = self.run_as("csp.py", "csp", "other-saas", "show", name).stdout
            if ": ELIGIBLE (trigger ASSESSMENT_CHANGED" in shown or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertIn("business meishi-kanri: ELIGIBLE, matches targetBusinesses/3", shown)
        notifications = self.run_as("csp.py", "csp", "other-saas", "notifications",
                                    f"--pre_application={name}")
        self.assertIn(f"{name}: WAITING_FOR_ASSESSMENT -> ELIGIBLE", notifications.stdout)


class TlsTest(unittest.TestCase):
    """The channel factory's TLS and mutual TLS against a server that requires
    client certificates, with certificates from deploy/local/make-certs.sh."""

    directory: Path
    certs: Path
    server: ServerProcess

    @classmethod
    def setUpClass(cls) -> None:
        cls.directory = make_temp_dir()
        cls.addClassCleanup(shutil.rmtree, cls.directory, True)
        cls.certs = cls.directory / "tls"
        subprocess.run([str(SOURCE_DIR / "deploy" / "local" / "make-certs.sh"),
                        str(cls.certs)], check=True, capture_output=True, timeout=60)
        cls.server = ServerProcess(
            cls.directory, RULES_DIR, f"--tls_cert={cls.certs / 'server.pem'}",
            f"--tls_key={cls.certs / 'server.key'}",
            f"--tls_client_ca={cls.certs / 'ca.pem'}")
        cls.addClassCleanup(cls.server.stop)

    def test_mutual_tls_with_a_bearer_token(self) -> None:
        tls = TlsConfig(ca_file=self.certs / "ca.pem", cert_file=self.certs / "client.pem",
                        key_file=self.certs / "client.key")
        with LiuClient(open_channel(self.server.address,
                                    token=self.server.token("ipa", "ipa"), tls=tls),
                       timeout=30) as client:
            self.assertEqual(client.check_health(), ServingStatus.SERVING)
            rule_sets = client.rule_sets.list_rule_sets(rule_set_pb2.ListRuleSetsRequest())
            self.assertEqual(len(rule_sets.rule_sets), 1)

    def test_without_a_client_certificate_the_handshake_fails(self) -> None:
        tls = TlsConfig(ca_file=self.certs / "ca.pem")
        with LiuClient(open_channel(self.server.address, tls=tls), timeout=10) as client:
            with self.assertRaises(grpc.RpcError) as raised:
                client.check_health()
        self.assertEqual(raised.exception.code(), grpc.StatusCode.UNAVAILABLE)

    def test_a_server_signed_by_another_ca_is_not_trusted(self) -> None:
        other = self.directory / "other-ca"
        subprocess.run([str(SOURCE_DIR / "deploy" / "local" / "make-certs.sh"), str(other)],
                       check=True, capture_output=True, timeout=60)
        tls = TlsConfig(ca_file=other / "ca.pem", cert_file=other / "client.pem",
                        key_file=other / "client.key")
        with LiuClient(open_channel(self.server.address, tls=tls), timeout=10) as client:
            with self.assertRaises(grpc.RpcError) as raised:
                client.check_health()
        self.assertEqual(raised.exception.code(), grpc.StatusCode.UNAVAILABLE)

    def test_the_example_takes_the_tls_flags(self) -> None:
        result = run_example(
            "ipa.py", f"--server={self.server.address}", f"--tls_ca={self.certs / 'ca.pem'}",
            f"--tls_cert={self.certs / 'client.pem'}",
            f"--tls_key={self.certs / 'client.key'}", "verify",
            environment={"LIU_TOKEN": self.server.token("ipa", "ipa")})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "intact: 1 events verified\n")


class ChannelTest(unittest.TestCase):
    """The channel factory's rules, without a server."""

    def test_plaintext_only_to_loopback(self) -> None:
        for target in ("127.0.0.1:50051", "127.9.9.9:1", "localhost:50051", "[::1]:50051"):
            with self.subTest(target=target):
                self.assertTrue(is_loopback_target(target))
                open_channel(target, token="t").close()
        for target in ("10.0.0.1:50051", "example.org:50051", "[2001:db8::1]:50051",
                       "127.0.0.1", "unix:/run/liu.sock", "0.0.0.0:50051"):
            with self.subTest(target=target):
                self.assertFalse(is_loopback_target(target))
                with self.assertRaisesRegex(ValueError, "loopback"):
                    open_channel(target, token="t")

    def test_mutual_tls_needs_certificate_and_key(self) -> None:
        with self.assertRaisesRegex(ValueError, "both"):
            TlsConfig(cert_file=Path("client.pem"))
        with self.assertRaisesRegex(ValueError, "both"):
            TlsConfig(key_file=Path("client.key"))

    def test_a_token_must_be_clean(self) -> None:
        for token in ("", " eyJ", "eyJ\n"):
            with self.subTest(token=token), self.assertRaises(ValueError):
                open_channel("127.0.0.1:50051", token=token)


class ServiceCoverageTest(unittest.TestCase):
    """Every RPC of every service has its typed method, which calls that RPC."""

    def test_every_service_of_the_api_is_wrapped(self) -> None:
        declared = set()
        for module_path in (Path(importlib.import_module("ismap.liu.v1.common_pb2").__file__)
                            .parent.glob("*_pb2.py")):
            module = importlib.import_module(f"ismap.liu.v1.{module_path.stem}")
            declared.update(service.full_name
                            for service in module.DESCRIPTOR.services_by_name.values())
        self.assertEqual(set(SERVICES), declared)

    def test_every_method_calls_its_rpc(self) -> None:
        paths: list[str] = []

        def record(request: bytes, context: grpc.ServicerContext) -> bytes:
            return b""

        def record_stream(request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
            yield b""

        class Recorder(grpc.GenericRpcHandler):
            def service(self, details: Any) -> grpc.RpcMethodHandler:
                paths.append(details.method)
                streaming = details.method.split("/")[-1].startswith("Watch")
                return (grpc.unary_stream_rpc_method_handler(record_stream) if streaming
                        else grpc.unary_unary_rpc_method_handler(record))

        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2),
                             handlers=[Recorder()])
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self.addCleanup(server.stop, None)
        client = LiuClient(open_channel(f"127.0.0.1:{port}", token="t"), timeout=30)
        self.addCleanup(client.close)
        services = {type(service).DESCRIPTOR.full_name: service for service in (
            client.impact_assessments, client.eligibility, client.review,
            client.audit_planning, client.rule_sets, client.audit_trail)}
        self.assertEqual(set(services), set(SERVICES))

        messages = symbol_database.Default()
        expected = []
        for full_name, service in services.items():
            for method in type(service).DESCRIPTOR.methods:
                snake = re.sub(r"(?<!^)(?=[A-Z])", "_", method.name).lower()
                with self.subTest(rpc=f"{full_name}/{method.name}"):
                    wrapper = getattr(service, snake)
                    request = messages.GetSymbol(method.input_type.full_name)()
                    result = wrapper(request)
                    if method.server_streaming:
                        result = list(result)
                        self.assertEqual(len(result), 1)
                        result = result[0]
                    self.assertIsInstance(result,
                                          messages.GetSymbol(method.output_type.full_name))
                    expected.append(f"/{full_name}/{method.name}")
        self.assertEqual(paths, expected)


class ExampleTest(unittest.TestCase):
    """The example scripts' command lines and example inputs, without a server."""

    COMMANDS = {
        "csp.py": ["file", "show", "notifications"],
        "ministry.py": ["pre-applications", "assess"],
        "ipa.py": ["review-cases", "confirm", "registered", "verify"],
    }

    def test_help_lists_every_command_and_the_connection_flags(self) -> None:
        for script, commands in self.COMMANDS.items():
            with self.subTest(script=script):
                result = run_example(script, "--help")
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertTrue(result.stdout.startswith(f"usage: {script}"))
                for text in [*commands, "--server", "--token", "LIU_TOKEN", "--tls_ca",
                             "--tls_cert", "--tls_key", "exit codes"]:
                    self.assertIn(text, result.stdout)

    def test_every_command_has_help(self) -> None:
        for script, commands in self.COMMANDS.items():
            for command in commands:
                with self.subTest(script=script, command=command):
                    result = run_example(script, command, "--help")
                    self.assertEqual(result.returncode, 0, result.stderr)
                    self.assertTrue(result.stdout.startswith(f"usage: {script} {command}"))

    def test_a_missing_command_is_a_usage_error(self) -> None:
        result = run_example("csp.py")
        self.assertEqual(result.returncode, 2)
        self.assertIn("usage: csp.py", result.stderr)

    def test_an_invalid_input_file_is_named(self) -> None:
        directory = make_temp_dir()
        self.addCleanup(shutil.rmtree, directory, True)
        broken = directory / "broken.json"
        broken.write_text('{"serviceName": "名刺", "no_such_field": 1}', encoding="utf-8")
        result = run_example("csp.py", "--token=t", "file", str(broken))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(f"{broken} is not a valid ismap.liu.v1.PreApplication", result.stderr)
        self.assertIn("no_such_field", result.stderr)

    def test_an_assessment_needs_a_subject(self) -> None:
        result = run_example("ministry.py", "--token=t", "assess",
                             str(EXAMPLES_DIR / "impact_assessment.json"))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("names no subject", result.stderr)

    def test_the_example_inputs_fit_their_messages_and_the_rules(self) -> None:
        vocabulary = self.rules("information_vocabulary.textproto",
                                rules_pb2.InformationVocabulary())
        known_ids = {term.id for term in vocabulary.information_kinds}
        known_facts = {term.id for term in vocabulary.facts}
        criteria = self.rules("impact_criteria.textproto", rules_pb2.ImpactCriteria())
        answers = {question.id: {answer.id for answer in question.answers}
                   for question in criteria.questions}

        pre_application = json_format.Parse(
            (EXAMPLES_DIR / "pre_application.json").read_text(encoding="utf-8"),
            eligibility_pb2.PreApplication())
        self.assertRegex(pre_application.service_name, "[\u3040-\u30ff\u4e00-\u9fff]")
        kinds: set[str] = set()
        for business in pre_application.businesses:
            self.assertLessEqual(set(business.profile.information_kinds), known_ids)
            self.assertLessEqual(set(business.profile.facts), known_facts)
            kinds.update(business.profile.information_kinds)

        assessment = json_format.Parse(
            (EXAMPLES_DIR / "impact_assessment.json").read_text(encoding="utf-8"),
            impact_assessment_pb2.ImpactAssessment())
        self.assertEqual({rating.information_kind
                          for rating in assessment.information_ratings}, kinds)
        for answer in assessment.answers:
            with self.subTest(question=answer.question_id):
                self.assertIn(answer.answer_id, answers[answer.question_id])
        self.assertEqual({answer.question_id for answer in assessment.answers}, set(answers))
        self.assertRegex(assessment.justification, "[\u3040-\u30ff\u4e00-\u9fff]")

    @staticmethod
    def rules(name: str, message: Any) -> Any:
        return text_format.Parse((RULES_DIR / name).read_text(encoding="utf-8"), message)


if __name__ == "__main__":
    unittest.main()
