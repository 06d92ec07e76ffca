#!/usr/bin/python3
"""Tests of manifests_check.py: the deploy/ files pass it, and each kind of
mistake it is there to catch, made on a copy of them, fails it with a message
that names the mistake.

ctest runs it with LIU_SOURCE_DIR (the repository) and LIU_SERVER_BINARY (a
built liu-server, standing in for the installed one in systemd-analyze verify).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

import manifests_check

SOURCE_DIR = Path(os.environ["LIU_SOURCE_DIR"])
SERVER_BINARY = Path(os.environ["LIU_SERVER_BINARY"])
KUBERNETES_DIR = SOURCE_DIR / "deploy" / "kubernetes"
SYSTEMD_DIR = SOURCE_DIR / "deploy" / "systemd"
CHECK_SCRIPT = Path(manifests_check.__file__)

Documents = list[dict[str, Any]]


def find(documents: Documents, kind: str, name: str) -> dict[str, Any]:
    for document in documents:
        if document.get("kind") == kind and document["metadata"]["name"] == name:
            return document
    raise KeyError(f"{kind}/{name}")


def impact_container(documents: Documents) -> dict[str, Any]:
    return find(documents, "Deployment", "liu-impact")["spec"]["template"]["spec"][
        "containers"][0]


class DeployFilesTest(unittest.TestCase):
    """The files in deploy/ as they are."""

    def test_the_deploy_files_pass(self) -> None:
        report = manifests_check.check(KUBERNETES_DIR, SYSTEMD_DIR, SERVER_BINARY)
        self.assertEqual(report.problems, [])
        self.assertIn(f"checked 15 Kubernetes objects in {KUBERNETES_DIR}", report.notes)
        self.assertIn(f"checked 2 systemd units in {SYSTEMD_DIR}", report.notes)

    def test_every_service_deployment_runs_its_own_services(self) -> None:
        documents = load_all(KUBERNETES_DIR)
        for component, peer in (("impact", "--eligibility_target="),
                                ("eligibility", "--impact_target="),
                                ("audit", "--eligibility_target=")):
            with self.subTest(component=component):
                container = find(documents, "Deployment", f"liu-{component}")["spec"][
                    "template"]["spec"]["containers"][0]
                self.assertIn(f"--services={component}", container["args"])
                self.assertTrue(any(arg.startswith(peer) for arg in container["args"]))


def load_all(directory: Path) -> Documents:
    documents: Documents = []
    for path in sorted(directory.glob("*.yaml")):
        documents.extend(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8"))
                         if d is not None)
    return documents


class BrokenKubernetesTest(unittest.TestCase):
    """Each mistake, made in a copy of deploy/kubernetes, is reported."""

    def setUp(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="liu-k8s-",
                                               dir=os.environ.get("TEST_TMPDIR")))
        self.addCleanup(shutil.rmtree, self.directory, True)

    def problems_after(self, change: Callable[[Documents], None]) -> list[str]:
        """Copies the manifests, applies `change` to their objects, writes them
        back (one file) and returns what the check reports."""
        documents = load_all(KUBERNETES_DIR)
        change(documents)
        (self.directory / "all.yaml").write_text(
            yaml.safe_dump_all(documents, allow_unicode=True), encoding="utf-8")
        return manifests_check.check(self.directory, None, None).problems

    def assert_reported(self, change: Callable[[Documents], None], expected: str) -> None:
        problems = self.problems_after(change)
        self.assertTrue(any(expected in problem for problem in problems),
                        f"no problem mentions {expected!r}: {problems}")

    def test_the_unchanged_copy_passes(self) -> None:
        self.assertEqual(self.problems_after(lambda documents: None), [])

    def test_a_file_that_does_not_parse(self) -> None:
        (self.directory / "broken.yaml").write_text("kind: Service\n  name: [x\n",
                                                     encoding="utf-8")
        problems = manifests_check.check(self.directory, None, None).problems
        self.assertTrue(any("broken.yaml" in p and "does not parse" in p for p in problems),
                        problems)

    def test_an_object_without_a_name(self) -> None:
        self.assert_reported(lambda d: find(d, "Service", "liu-audit")["metadata"].pop("name"),
                             "has no metadata.name")

    def test_an_object_without_api_version(self) -> None:
        self.assert_reported(lambda d: find(d, "ConfigMap", "liu-settings").pop("apiVersion"),
                             "has no apiVersion")

    def test_an_object_outside_the_namespace(self) -> None:
        def change(documents: Documents) -> None:
            find(documents, "Service", "liu-impact")["metadata"]["namespace"] = "default"
        self.assert_reported(change, "is not a Namespace of these manifests")

    def test_a_selector_the_template_does_not_match(self) -> None:
        def change(documents: Documents) -> None:
            find(documents, "Deployment", "liu-eligibility")["spec"]["selector"][
                "matchLabels"]["app.kubernetes.io/name"] = "liu-eligibilty"
        self.assert_reported(change, "spec.selector does not match the pod template's labels")

    def test_a_missing_readiness_probe(self) -> None:
        self.assert_reported(lambda d: impact_container(d).pop("readinessProbe"),
                             "has no readinessProbe")

    def test_a_native_grpc_probe_on_a_tls_port(self) -> None:
        def change(documents: Documents) -> None:
            impact_container(documents)["livenessProbe"] = {
                "grpc": {"port": 50051, "service": "ismap.liu.v1.ImpactAssessmentService"}}
        self.assert_reported(change, "the kubelet's gRPC probe speaks plaintext only")

    def test_a_health_probe_without_tls(self) -> None:
        def change(documents: Documents) -> None:
            command = impact_container(documents)["readinessProbe"]["exec"]["command"]
            command[:] = [part for part in command if not part.startswith("--tls_ca=")]
        self.assert_reported(change, "liuctl health has no --tls_ca")

    def test_a_liu_server_probe_that_is_not_a_health_check(self) -> None:
        def change(documents: Documents) -> None:
            impact_container(documents)["livenessProbe"] = {"tcpSocket": {"port": 50051}}
        self.assert_reported(change, "must check grpc.health.v1")

    def test_missing_resource_limits(self) -> None:
        self.assert_reported(lambda d: impact_container(d)["resources"].pop("limits"),
                             "has no resources.limits.cpu")

    def test_a_writable_root_file_system(self) -> None:
        def change(documents: Documents) -> None:
            impact_container(documents)["securityContext"]["readOnlyRootFilesystem"] = False
        self.assert_reported(change, "readOnlyRootFilesystem is not true")

    def test_running_as_root_allowed(self) -> None:
        def change(documents: Documents) -> None:
            find(documents, "StatefulSet", "liu-postgres")["spec"]["template"]["spec"][
                "securityContext"].pop("runAsNonRoot")
        self.assert_reported(change, "runAsNonRoot is not true")

    def test_an_unpinned_image(self) -> None:
        def change(documents: Documents) -> None:
            impact_container(documents)["image"] = "registry.example.org/ismap-liu/liu-server"
        self.assert_reported(change, "has no pinned tag or digest")

    def test_a_single_replica_of_a_stateless_service(self) -> None:
        def change(documents: Documents) -> None:
            find(documents, "Deployment", "liu-audit")["spec"]["replicas"] = 1
        self.assert_reported(change, "runs at least 2 replicas")

    def test_a_mount_of_an_undeclared_volume(self) -> None:
        def change(documents: Documents) -> None:
            impact_container(documents)["volumeMounts"][0]["name"] = "server-tsl"
        self.assert_reported(change, "mounts volume 'server-tsl', which the pod does not "
                                     "declare")

    def test_a_key_the_config_map_does_not_have(self) -> None:
        def change(documents: Documents) -> None:
            impact_container(documents)["env"][0]["valueFrom"]["configMapKeyRef"][
                "key"] = "token_isuer"
        self.assert_reported(change, "reads key 'token_isuer'")

    def test_a_service_that_selects_no_pod(self) -> None:
        def change(documents: Documents) -> None:
            find(documents, "Service", "liu-audit")["spec"]["selector"][
                "app.kubernetes.io/name"] = "liu-auditing"
        self.assert_reported(change, "spec.selector selects no pod of these manifests")

    def test_a_service_on_a_port_the_pods_lack(self) -> None:
        def change(documents: Documents) -> None:
            find(documents, "Service", "liu-impact")["spec"]["ports"][0]["targetPort"] = 50052
        self.assert_reported(change, "targetPort 50052 is not a port of the pods")

    def test_a_stateful_set_without_its_headless_service(self) -> None:
        def change(documents: Documents) -> None:
            find(documents, "Service", "liu-postgres")["spec"].pop("clusterIP")
        self.assert_reported(change, "is not headless")

    def test_a_network_policy_that_selects_nothing(self) -> None:
        def change(documents: Documents) -> None:
            find(documents, "NetworkPolicy", "liu-postgres")["spec"]["podSelector"] = {
                "matchLabels": {"app.kubernetes.io/name": "postgres"}}
        self.assert_reported(change, "spec.podSelector selects no pod")

    def test_server_flags_the_server_would_refuse(self) -> None:
        def change(documents: Documents) -> None:
            args = impact_container(documents)["args"]
            args[:] = [arg for arg in args if not arg.startswith("--token_issuer=")]
        self.assert_reported(change, "liu-server would not start: --jwks_file needs "
                                     "--token_issuer")

    def test_plaintext_on_a_pod_address(self) -> None:
        def change(documents: Documents) -> None:
            args = impact_container(documents)["args"]
            args[:] = [arg for arg in args if not arg.startswith("--tls_")] + ["--plaintext"]
        self.assert_reported(change, "--plaintext on '0.0.0.0:50051', which is not a "
                                     "loopback address")

    def test_the_command_line_exits_1_naming_the_broken_file(self) -> None:
        broken = self.directory / "broken-deployment.yaml"
        broken.write_text(
            "apiVersion: apps/v1\n"
            "kind: Deployment\n"
            "metadata: {name: broken, namespace: nowhere}\n"
            "spec:\n"
            "  replicas: 2\n"
            "  selector: {matchLabels: {app: broken}}\n"
            "  template:\n"
            "    metadata: {labels: {app: other}}\n"
            "    spec:\n"
            "      containers: [{name: c, image: 'example.org/c:1'}]\n",
            encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-B", str(CHECK_SCRIPT), f"--kubernetes={self.directory}"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"{broken}: Deployment/broken: spec.selector does not match",
                      result.stdout)
        self.assertIn("has no readinessProbe", result.stdout)


class BrokenSystemdTest(unittest.TestCase):
    """Each mistake, made in a copy of deploy/systemd, is reported."""

    def setUp(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="liu-units-",
                                               dir=os.environ.get("TEST_TMPDIR")))
        self.addCleanup(shutil.rmtree, self.directory, True)
        shutil.copytree(SYSTEMD_DIR, self.directory, dirs_exist_ok=True)

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.directory / name
        text = path.read_text(encoding="utf-8")
        self.assertIn(old, text)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def assert_reported(self, expected: str, server_binary: Path | None = None) -> None:
        problems = manifests_check.check(None, self.directory, server_binary).problems
        self.assertTrue(any(expected in problem for problem in problems),
                        f"no problem mentions {expected!r}: {problems}")

    def test_the_unchanged_copy_passes(self) -> None:
        self.assertEqual(manifests_check.check(None, self.directory, SERVER_BINARY).problems,
                         [])

    def test_a_unit_without_install(self) -> None:
        self.edit("liu-server.service", "[Install]\nWantedBy=multi-user.target\n", "")
        self.assert_reported("has no [Install] section")

    def test_a_line_that_is_not_key_value(self) -> None:
        self.edit("liu-server.service", "Restart=on-failure", "Restart on-failure")
        self.assert_reported("does not parse as a unit file: line")

    def test_exec_start_not_running_liu_server(self) -> None:
        self.edit("liu-service@.service", "ExecStart=/usr/local/bin/liu-server",
                  "ExecStart=/usr/local/bin/liuctl")
        self.assert_reported("not an absolute path to liu-server")

    def test_a_flag_the_server_needs(self) -> None:
        self.edit("liu-server.service",
                  "    --service_token_file=${LIU_SERVICE_TOKEN_FILE} \\\n", "")
        self.assert_reported("liu-server would not start: --jwks_file needs "
                             "--service_token_file")

    def test_missing_hardening(self) -> None:
        self.edit("liu-server.service", "ProtectSystem=strict\n", "ProtectSystem=full\n")
        self.assert_reported("needs ProtectSystem=strict (has 'full')")

    def test_running_as_root(self) -> None:
        self.edit("liu-server.service", "User=ismap-liu\n", "")
        self.assert_reported("runs as root")

    def test_a_data_dir_outside_the_state_directory(self) -> None:
        self.edit("liu-server.service", "--data_dir=%S/ismap-liu", "--data_dir=/srv/liu")
        self.assert_reported("is not the StateDirectory")

    def test_a_credential_that_is_not_loaded(self) -> None:
        self.edit("liu-service@.service",
                  "LoadCredential=client.key:/etc/ismap-liu/tls/client.key\n", "")
        self.assert_reported("reads credential %d/client.key, which no LoadCredential=")

    def test_a_variable_no_example_sets(self) -> None:
        self.edit("liu-service-audit.env.example", "LIU_SERVICE_TOKEN_FILE=", "LIU_TOKEN_FILE=")
        self.assert_reported("liu-service@.service (instance audit): ExecStart= uses "
                             "$LIU_SERVICE_TOKEN_FILE")

    def test_an_environment_file_without_its_example(self) -> None:
        (self.directory / "liu-server.env.example").unlink()
        self.assert_reported("has no example liu-server.env.example")

    def test_systemd_analyze_verify_rejects_a_bad_value(self) -> None:
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze is not installed")
        self.edit("liu-server.service", "TimeoutStopSec=45s", "TimeoutStopSec=forty-five")
        self.assert_reported("systemd-analyze verify: liu-server.service:", SERVER_BINARY)

    def test_systemd_analyze_verify_rejects_an_unknown_setting(self) -> None:
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze is not installed")
        self.edit("liu-service@.service", "ProtectHome=yes", "ProtectHomes=yes")
        self.assert_reported("Unknown key 'ProtectHomes'", SERVER_BINARY)


if __name__ == "__main__":
    unittest.main()
