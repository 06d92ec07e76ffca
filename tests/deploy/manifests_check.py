#!/usr/bin/python3
"""Checks the deployment files in deploy/ without a cluster or a systemd host.

Kubernetes (every *.yaml / *.yml in --kubernetes): every file parses; every
object has apiVersion, kind and metadata.name, a unique name, and a namespace
that a Namespace object of the set defines; Deployments and StatefulSets have a
selector their pod template's labels satisfy, containers with a pinned image,
ports, readiness and liveness probes that can work (a liu-server container's
probes check grpc.health.v1, natively or with `liuctl health`; the kubelet's
native gRPC probe never on a port that serves TLS), resource requests and
limits, a restricted security context, volume mounts of declared volumes, and
liu-server flags the server would start with; stateless Deployments run at
least two replicas; a StatefulSet's serviceName is a headless Service of the
set; Services, PodDisruptionBudgets and NetworkPolicies select pods some
workload carries, Services on ports those pods declare; a key read from a
ConfigMap of the set exists in it.

systemd (every *.service in --systemd): each parses as a unit file with
[Unit], [Service] and [Install]; ExecStart runs liu-server with flags it would
start with; the service runs as a dedicated or dynamic user with
NoNewPrivileges=yes, ProtectSystem=strict, Restart=on-failure and a
StateDirectory that --data_dir points into; every credential the command line
reads (%d/NAME) is loaded; every variable it uses is set by the example
environment files beside it (<file>.example, for each instance of a template);
and `systemd-analyze verify` accepts the unit, with --server_binary standing in
for the installed liu-server (skipped, and said so, where systemd-analyze is
not installed).

Prints each problem as `file: object: problem`; exits 1 if there is any, else 0.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CLUSTER_SCOPED_KINDS = {"Namespace", "ClusterRole", "ClusterRoleBinding",
                        "PersistentVolume", "StorageClass", "PriorityClass"}
WORKLOAD_KINDS = {"Deployment", "StatefulSet"}
PROBE_HANDLERS = ("exec", "grpc", "httpGet", "tcpSocket")


@dataclass
class Report:
    """The problems found, in the order found."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, path: Path, where: str, problem: str) -> None:
        self.problems.append(f"{path}: {where}: {problem}")


# --------------------------------------------------------------------------
# Kubernetes


@dataclass
class KubeObject:
    """One document of a manifest file."""

    path: Path
    document: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.document.get("kind", ""))

    @property
    def name(self) -> str:
        return str((self.document.get("metadata") or {}).get("name", ""))

    @property
    def namespace(self) -> str:
        return str((self.document.get("metadata") or {}).get("namespace", ""))

    @property
    def where(self) -> str:
        return f"{self.kind or '?'}/{self.name or '?'}"

    def get(self, *keys: str) -> Any:
        """The value at spec.a.b..., or None where any step is missing."""
        value: Any = self.document
        for key in keys:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value


def load_objects(directory: Path, report: Report) -> list[KubeObject]:
    """Every object of every YAML file in `directory`, in file order."""
    objects = []
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not files:
        report.add(directory, "-", "no YAML files")
    for path in files:
        try:
            documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            report.add(path, "-", f"does not parse as YAML: {error}")
            continue
        for index, document in enumerate(documents):
            if document is None:
                continue
            if not isinstance(document, dict):
                report.add(path, f"document {index + 1}", "is not a mapping")
                continue
            objects.append(KubeObject(path, document))
    return objects


def selector_matches(selector: Any, labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels / matchExpressions) selects
    `labels`. An empty or missing selector selects nothing here: every
    selector in these manifests must name what it selects."""
    if not isinstance(selector, dict) or not selector:
        return False
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    if not match_labels and not expressions:
        return False
    if any(labels.get(key) != value for key, value in match_labels.items()):
        return False
    for expression in expressions:
        key, operator = expression.get("key"), expression.get("operator")
        values = expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def pod_labels(workload: KubeObject) -> dict[str, str]:
    return workload.get("spec", "template", "metadata", "labels") or {}


def containers_of(workload: KubeObject) -> list[dict[str, Any]]:
    containers = workload.get("spec", "template", "spec", "containers")
    return [c for c in containers if isinstance(c, dict)] if isinstance(containers, list) else []


def container_ports(container: dict[str, Any]) -> tuple[set[int], set[str]]:
    """The container's port numbers and port names."""
    numbers, names = set(), set()
    for port in container.get("ports") or []:
        if isinstance(port, dict):
            if isinstance(port.get("containerPort"), int):
                numbers.add(port["containerPort"])
            if port.get("name"):
                names.add(str(port["name"]))
    return numbers, names


def flag_value(arguments: Iterable[Any], flag: str) -> str | None:
    """The value of `--flag=value` among `arguments`, if given."""
    for argument in arguments:
        if isinstance(argument, str) and argument.startswith(f"--{flag}="):
            return argument.split("=", 1)[1]
    return None


def server_flag_problems(arguments: list[Any]) -> list[str]:
    """What liu-server would refuse at start-up in these flags (its option
    validation, services/server and services/common/api_server)."""
    def given(flag: str) -> bool:
        return flag_value(arguments, flag) is not None

    problems = []
    plaintext = "--plaintext" in arguments
    if given("tls_cert") != given("tls_key"):
        problems.append("--tls_cert and --tls_key go together")
    if plaintext and given("tls_cert"):
        problems.append("serves both TLS and --plaintext")
    if not plaintext and not given("tls_cert"):
        problems.append("serves neither TLS (--tls_cert, --tls_key) nor --plaintext")
    listen = flag_value(arguments, "listen") or ""
    if plaintext and "$" not in listen and not re.match(
            r"^(127\.\d+\.\d+\.\d+|\[::1\]|localhost):\d+$", listen):
        problems.append(f"--plaintext on {listen!r}, which is not a loopback address")
    if given("tls_client_ca") and not given("tls_cert"):
        problems.append("--tls_client_ca without TLS")
    if given("peer_tls_cert") != given("peer_tls_key"):
        problems.append("--peer_tls_cert and --peer_tls_key go together")
    if given("jwks_file"):
        for needed in ("token_issuer", "service_token_file"):
            if not given(needed):
                problems.append(f"--jwks_file needs --{needed}")
    return problems


def check_kubernetes(directory: Path, report: Report) -> int:
    """Checks the manifests in `directory`; returns how many objects."""
    objects = load_objects(directory, report)
    namespaces = {o.name for o in objects if o.kind == "Namespace"}
    seen: set[tuple[str, str, str]] = set()
    for obj in objects:
        for key in ("apiVersion", "kind"):
            if not isinstance(obj.document.get(key), str) or not obj.document[key]:
                report.add(obj.path, obj.where, f"has no {key}")
        if not obj.name:
            report.add(obj.path, obj.where, "has no metadata.name")
        identity = (obj.kind, obj.namespace, obj.name)
        if identity in seen:
            report.add(obj.path, obj.where, "is defined twice")
        seen.add(identity)
        if obj.kind and obj.kind not in CLUSTER_SCOPED_KINDS and obj.namespace not in namespaces:
            report.add(obj.path, obj.where,
                       f"metadata.namespace {obj.namespace or '(none)'!r} is not a "
                       f"Namespace of these manifests ({', '.join(sorted(namespaces))})")

    workloads = [o for o in objects if o.kind in WORKLOAD_KINDS]
    services = [o for o in objects if o.kind == "Service"]
    config_maps = {(o.namespace, o.name): o for o in objects if o.kind == "ConfigMap"}
    for workload in workloads:
        check_workload(workload, services, config_maps, report)
    for obj in objects:
        if obj.kind == "Service":
            check_service(obj, workloads, report)
        elif obj.kind == "PodDisruptionBudget":
            check_selects_pods(obj, obj.get("spec", "selector"), "spec.selector", workloads,
                               report)
        elif obj.kind == "NetworkPolicy":
            check_network_policy(obj, workloads, report)
    return len(objects)


def check_workload(workload: KubeObject, services: list[KubeObject],
                   config_maps: dict[tuple[str, str], KubeObject], report: Report) -> None:
    path, where = workload.path, workload.where
    selector = workload.get("spec", "selector")
    if not isinstance(selector, dict) or not (selector.get("matchLabels")
                                              or selector.get("matchExpressions")):
        report.add(path, where, "has no spec.selector")
    elif not selector_matches(selector, pod_labels(workload)):
        report.add(path, where, "spec.selector does not match the pod template's labels")

    if workload.kind == "Deployment":
        replicas = workload.get("spec", "replicas")
        if not isinstance(replicas, int) or replicas < 2:
            report.add(path, where, f"spec.replicas is {replicas}: a stateless service "
                                    "runs at least 2 replicas")
    else:
        check_stateful_set(workload, services, report)

    pod = workload.get("spec", "template", "spec") or {}
    containers = containers_of(workload)
    if not containers:
        report.add(path, where, "has no containers")
    pod_security = pod.get("securityContext") or {}
    volumes = {v.get("name") for v in pod.get("volumes") or [] if isinstance(v, dict)}
    claims = {(c.get("metadata") or {}).get("name")
              for c in workload.get("spec", "volumeClaimTemplates") or []
              if isinstance(c, dict)}
    mounted: set[str] = set()
    for container in containers:
        name = f"{where} container {container.get('name', '?')}"
        check_container(path, name, container, pod_security, report)
        for mount in container.get("volumeMounts") or []:
            mounted.add(mount.get("name"))
            if mount.get("name") not in volumes | claims:
                report.add(path, name, f"mounts volume {mount.get('name')!r}, which the "
                                       "pod does not declare")
        check_config_map_keys(path, name, workload.namespace, container, config_maps, report)
    for unused in sorted(str(v) for v in (volumes | claims) - mounted):
        report.add(path, where, f"volume {unused!r} is mounted by no container")


def check_stateful_set(workload: KubeObject, services: list[KubeObject],
                       report: Report) -> None:
    path, where = workload.path, workload.where
    service_name = workload.get("spec", "serviceName")
    governing = [s for s in services
                 if s.name == service_name and s.namespace == workload.namespace]
    if not governing:
        report.add(path, where, f"spec.serviceName {service_name!r} is not a Service of "
                                "these manifests")
    elif governing[0].get("spec", "clusterIP") != "None":
        report.add(path, where, f"spec.serviceName {service_name!r} is not headless "
                                "(clusterIP: None)")
    templates = workload.get("spec", "volumeClaimTemplates")
    if not isinstance(templates, list) or not templates:
        report.add(path, where, "has no volumeClaimTemplates: its data would not persist")
        return
    for template in templates:
        if not (template.get("spec") or {}).get("resources", {}).get("requests", {}).get(
                "storage"):
            report.add(path, where, "a volumeClaimTemplate requests no storage")


def check_container(path: Path, where: str, container: dict[str, Any],
                    pod_security: dict[str, Any], report: Report) -> None:
    image = container.get("image")
    if not isinstance(image, str) or not image:
        report.add(path, where, "has no image")
    elif "@sha256:" not in image and (":" not in image.rsplit("/", 1)[-1]
                                      or image.endswith(":latest")):
        report.add(path, where, f"image {image!r} has no pinned tag or digest")

    numbers, _ = container_ports(container)
    if not numbers:
        report.add(path, where, "declares no ports")
    if runs_liu_server(container):
        for problem in server_flag_problems(container.get("args") or []):
            report.add(path, where, f"liu-server would not start: {problem}")

    for probe_kind in ("readinessProbe", "livenessProbe"):
        probe = container.get(probe_kind)
        if not isinstance(probe, dict):
            report.add(path, where, f"has no {probe_kind}")
        else:
            check_probe(path, f"{where} {probe_kind}", probe, container, report)

    resources = container.get("resources") or {}
    for bound in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if not (resources.get(bound) or {}).get(resource):
                report.add(path, where, f"has no resources.{bound}.{resource}")

    security = container.get("securityContext") or {}
    if security.get("allowPrivilegeEscalation") is not False:
        report.add(path, where, "securityContext.allowPrivilegeEscalation is not false")
    if security.get("readOnlyRootFilesystem") is not True:
        report.add(path, where, "securityContext.readOnlyRootFilesystem is not true")
    if "ALL" not in ((security.get("capabilities") or {}).get("drop") or []):
        report.add(path, where, "securityContext.capabilities.drop does not include ALL")
    if security.get("runAsNonRoot", pod_security.get("runAsNonRoot")) is not True:
        report.add(path, where, "runAsNonRoot is not true (pod or container)")
    seccomp = (security.get("seccompProfile") or pod_security.get("seccompProfile") or {})
    if seccomp.get("type") not in ("RuntimeDefault", "Localhost"):
        report.add(path, where, "has no seccompProfile RuntimeDefault (pod or container)")


def serves_tls(container: dict[str, Any]) -> bool:
    return flag_value(container.get("args") or [], "tls_cert") is not None


def runs_liu_server(container: dict[str, Any]) -> bool:
    return flag_value(container.get("args") or [], "listen") is not None


def check_probe(path: Path, where: str, probe: dict[str, Any], container: dict[str, Any],
                report: Report) -> None:
    handlers = [h for h in PROBE_HANDLERS if h in probe]
    if len(handlers) != 1:
        report.add(path, where, f"needs exactly one of {', '.join(PROBE_HANDLERS)}")
        return
    handler = handlers[0]
    numbers, names = container_ports(container)
    if handler == "grpc":
        port = probe["grpc"].get("port")
        if port not in numbers:
            report.add(path, where, f"grpc port {port!r} is not a containerPort")
        if serves_tls(container):
            report.add(path, where,
                       "the kubelet's gRPC probe speaks plaintext only and this "
                       "container serves TLS (--tls_cert): exec `liuctl health` with "
                       "--tls_ca instead")
        return
    if handler == "exec":
        command = probe["exec"].get("command")
        if not isinstance(command, list) or not command or not all(
                isinstance(part, str) for part in command):
            report.add(path, where, "exec.command is not a list of strings")
            return
        if Path(command[0]).name == "liuctl":
            check_liuctl_probe(path, where, command, container, report)
        elif runs_liu_server(container):
            report.add(path, where, "a liu-server container's probe must check "
                                    "grpc.health.v1 (grpc, or exec liuctl health)")
        return
    if runs_liu_server(container):
        report.add(path, where, f"a liu-server container's probe must check "
                                f"grpc.health.v1, not {handler}")
    port = probe[handler].get("port")
    if port not in numbers and port not in names:
        report.add(path, where, f"{handler} port {port!r} is not a container port")


def check_liuctl_probe(path: Path, where: str, command: list[str],
                       container: dict[str, Any], report: Report) -> None:
    if len(command) < 2 or command[1] != "health":
        report.add(path, where, "runs liuctl but not `liuctl health`")
    server = flag_value(command, "server") or "127.0.0.1:50051"
    host, _, port = server.rpartition(":")
    numbers, _ = container_ports(container)
    if host not in ("localhost", "127.0.0.1", "[::1]") or not port.isdigit() \
            or int(port) not in numbers:
        report.add(path, where, f"liuctl --server={server} is not a port of this "
                                "container on loopback")
    if serves_tls(container) and flag_value(command, "tls_ca") is None:
        report.add(path, where, "the container serves TLS but liuctl health has no "
                                "--tls_ca (it would speak plaintext)")
    if flag_value(container.get("args") or [], "tls_client_ca") is not None and (
            flag_value(command, "tls_cert") is None or flag_value(command, "tls_key") is None):
        report.add(path, where, "the container requires client certificates "
                                "(--tls_client_ca) but liuctl health has no "
                                "--tls_cert/--tls_key")


def check_config_map_keys(path: Path, where: str, namespace: str,
                          container: dict[str, Any],
                          config_maps: dict[tuple[str, str], KubeObject],
                          report: Report) -> None:
    for variable in container.get("env") or []:
        reference = ((variable.get("valueFrom") or {}).get("configMapKeyRef")
                     if isinstance(variable, dict) else None)
        if not reference:
            continue
        config_map = config_maps.get((namespace, reference.get("name")))
        if config_map is not None and reference.get("key") not in (
                config_map.get("data") or {}):
            report.add(path, where, f"env {variable.get('name')} reads key "
                                    f"{reference.get('key')!r}, which ConfigMap "
                                    f"{reference.get('name')} does not have")


def check_selects_pods(obj: KubeObject, selector: Any, field_name: str,
                       workloads: list[KubeObject], report: Report) -> list[KubeObject]:
    selected = [w for w in workloads
                if w.namespace == obj.namespace and selector_matches(selector, pod_labels(w))]
    if not selected:
        report.add(obj.path, obj.where, f"{field_name} selects no pod of these manifests")
    return selected


def check_service(service: KubeObject, workloads: list[KubeObject], report: Report) -> None:
    selector = service.get("spec", "selector")
    selected = check_selects_pods(
        service, {"matchLabels": selector} if isinstance(selector, dict) else None,
        "spec.selector", workloads, report)
    ports = service.get("spec", "ports")
    if not isinstance(ports, list) or not ports:
        report.add(service.path, service.where, "has no ports")
        return
    if not selected:
        return
    numbers: set[int] = set()
    names: set[str] = set()
    for workload in selected:
        for container in containers_of(workload):
            container_numbers, container_names = container_ports(container)
            numbers |= container_numbers
            names |= container_names
    for port in ports:
        target = port.get("targetPort", port.get("port"))
        if target not in numbers and target not in names:
            report.add(service.path, service.where,
                       f"targetPort {target!r} is not a port of the pods it selects")


def check_network_policy(policy: KubeObject, workloads: list[KubeObject],
                         report: Report) -> None:
    check_selects_pods(policy, policy.get("spec", "podSelector"), "spec.podSelector",
                       workloads, report)
    for rule in policy.get("spec", "ingress") or []:
        for peer in rule.get("from") or []:
            if "podSelector" in peer and "namespaceSelector" not in peer:
                check_selects_pods(policy, peer["podSelector"], "ingress podSelector",
                                   workloads, report)


# --------------------------------------------------------------------------
# systemd


@dataclass
class Unit:
    """A unit file: its sections, each key's values in order (keys repeat)."""

    path: Path
    sections: dict[str, dict[str, list[str]]]

    def values(self, section: str, key: str) -> list[str]:
        return self.sections.get(section, {}).get(key, [])

    def value(self, section: str, key: str) -> str | None:
        values = self.values(section, key)
        return values[-1] if values else None


def parse_unit(path: Path) -> Unit:
    """Parses a unit file as systemd.syntax(7) reads it: [Section] headers,
    Key=Value lines, `#`/`;` comments, a trailing backslash continuing a line.
    ValueError for anything else."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    pending = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not pending and (not line or line[0] in "#;"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, separator, value = line.partition("=")
        if current is None or not separator or not key.strip():
            raise ValueError(f"line {number}: not a [Section] or Key=Value: {raw!r}")
        current.setdefault(key.strip(), []).append(value.strip())
    if pending:
        raise ValueError("the last line ends with a backslash")
    return Unit(path, sections)


def parse_environment_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an EnvironmentFile, comments and blank lines skipped."""
    variables = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        key, separator, value = line.partition("=")
        if not separator or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise ValueError(f"line {number}: not KEY=VALUE: {raw!r}")
        variables[key] = value
    return variables


def check_systemd(directory: Path, server_binary: Path | None, report: Report) -> int:
    """Checks the unit files in `directory`; returns how many."""
    units = sorted(directory.glob("*.service"))
    if not units:
        report.add(directory, "-", "no .service files")
    parsed = []
    for path in units:
        try:
            unit = parse_unit(path)
        except (ValueError, UnicodeDecodeError) as error:
            report.add(path, path.name, f"does not parse as a unit file: {error}")
            continue
        check_unit(unit, report)
        parsed.append(unit)
    verify_with_systemd_analyze(parsed, server_binary, report)
    return len(units)


def exec_start_words(unit: Unit) -> list[str]:
    command = unit.value("Service", "ExecStart") or ""
    return command.split()


def check_unit(unit: Unit, report: Report) -> None:
    path, where = unit.path, unit.path.name
    for section in ("Unit", "Service", "Install"):
        if section not in unit.sections:
            report.add(path, where, f"has no [{section}] section")
    for section in unit.sections:
        if section not in ("Unit", "Service", "Install"):
            report.add(path, where, f"has an unexpected [{section}] section")
    if not unit.value("Unit", "Description"):
        report.add(path, where, "has no Description=")
    if not unit.value("Install", "WantedBy"):
        report.add(path, where, "has no WantedBy= (systemctl enable would do nothing)")

    commands = unit.values("Service", "ExecStart")
    if len(commands) != 1:
        report.add(path, where, f"has {len(commands)} ExecStart= lines, not 1")
        return
    words = exec_start_words(unit)
    executable = words[0].lstrip("-@:+!") if words else ""
    if not executable.startswith("/") or Path(executable).name != "liu-server":
        report.add(path, where, f"ExecStart= runs {executable!r}, not an absolute path "
                                "to liu-server")
    for problem in server_flag_problems(words[1:]):
        report.add(path, where, f"liu-server would not start: {problem}")

    service = unit.sections.get("Service", {})
    user = unit.value("Service", "User")
    if unit.value("Service", "DynamicUser") != "yes" and (not user or user == "root"):
        report.add(path, where, "runs as root: set User= (a dedicated user) or "
                                "DynamicUser=yes")
    for key, expected in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"),
                          ("Restart", "on-failure")):
        if unit.value("Service", key) != expected:
            report.add(path, where, f"needs {key}={expected} (has "
                                    f"{unit.value('Service', key)!r})")
    state_directory = unit.value("Service", "StateDirectory")
    if not state_directory:
        report.add(path, where, "has no StateDirectory=")
    data_dir = flag_value(words, "data_dir")
    if state_directory and data_dir != f"%S/{state_directory}":
        report.add(path, where, f"--data_dir={data_dir} is not the StateDirectory "
                                f"(%S/{state_directory}), the one place "
                                "ProtectSystem=strict leaves writable")

    credentials = {value.split(":", 1)[0]
                   for key in ("LoadCredential", "SetCredential")
                   for value in service.get(key, [])}
    for credential in sorted(set(re.findall(r"%d/([^\s]+)", " ".join(words)))):
        if credential not in credentials:
            report.add(path, where, f"ExecStart= reads credential %d/{credential}, "
                                    "which no LoadCredential= provides")
    check_environment(unit, words, report)


def check_environment(unit: Unit, words: list[str], report: Report) -> None:
    """Every variable ExecStart= uses is set by the example environment files,
    for every instance of a template."""
    path, where = unit.path, unit.path.name
    used = set(re.findall(r"\$\{(\w+)\}|\$(\w+)", " ".join(words)))
    variables = {braced or bare for braced, bare in used}
    files = [value.lstrip("-") for value in unit.values("Service", "EnvironmentFile")]
    if variables and not files:
        report.add(path, where, "uses variables but reads no EnvironmentFile=")
        return
    instances = [""]
    if is_template(unit):
        instances = template_instances(unit)
        if not instances:
            report.add(path, where, "has no example environment file for any instance "
                                    "(<EnvironmentFile with %i>.example)")
            return
    for instance in instances:
        defined: dict[str, str] = {}
        for file in files:
            example = path.parent / (Path(file.replace("%i", instance)).name + ".example")
            try:
                defined.update(parse_environment_file(example))
            except FileNotFoundError:
                report.add(path, where, f"EnvironmentFile={file} has no example "
                                        f"{example.name} beside the unit")
            except (ValueError, UnicodeDecodeError) as error:
                report.add(example, example.name, f"does not parse: {error}")
        label = f"{where} (instance {instance})" if instance else where
        for variable in sorted(variables - set(defined)):
            report.add(path, label, f"ExecStart= uses ${variable}, which the example "
                                    "environment files do not set")


def verify_with_systemd_analyze(units: list[Unit], server_binary: Path | None,
                                report: Report) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        report.notes.append("skipped `systemd-analyze verify`: systemd-analyze is not "
                            "installed")
        return
    with tempfile.TemporaryDirectory(prefix="liu-units-") as scratch:
        for unit in units:
            words = exec_start_words(unit)
            text = unit.path.read_text(encoding="utf-8")
            if server_binary is not None and words:
                # The unit names the installed path; verify needs an executable.
                text = text.replace(f"ExecStart={words[0]}",
                                    f"ExecStart={server_binary.resolve()}", 1)
            copy = Path(scratch) / unit.path.name
            copy.write_text(text, encoding="utf-8")
            # A template is verified as each of its instances.
            names = ([unit.path.name.replace("@.", f"@{instance}.")
                      for instance in template_instances(unit)]
                     if is_template(unit) else [unit.path.name])
            for name in names:
                result = subprocess.run(
                    [analyze, "verify", "--man=no", "--generators=no",
                     str(Path(scratch) / name)],
                    capture_output=True, text=True, timeout=120)
                ours = [line for line in (result.stdout + result.stderr).splitlines()
                        if scratch in line or unit.path.name in line or name in line]
                if result.returncode != 0 or ours:
                    output = "; ".join(ours) or (result.stdout + result.stderr).strip()
                    report.add(unit.path, name,
                               f"systemd-analyze verify: {output.replace(scratch + '/', '')}")
    report.notes.append("ran `systemd-analyze verify` on every unit and instance")


def is_template(unit: Unit) -> bool:
    return "@." in unit.path.name


def template_instances(unit: Unit) -> list[str]:
    """A template's instances: those with an example of its per-instance
    environment file beside it (for EnvironmentFile=/etc/x/liu-service-%i.env,
    liu-service-<instance>.env.example)."""
    for file in unit.values("Service", "EnvironmentFile"):
        name = Path(file.lstrip("-")).name
        if "%i" in name:
            prefix, suffix = name.split("%i", 1)
            return sorted(p.name[len(prefix):-len(suffix + ".example")]
                          for p in unit.path.parent.glob(f"{prefix}*{suffix}.example"))
    return []


# --------------------------------------------------------------------------


def check(kubernetes: Path | None, systemd: Path | None,
          server_binary: Path | None) -> Report:
    report = Report()
    if kubernetes is not None:
        count = check_kubernetes(kubernetes, report)
        report.notes.append(f"checked {count} Kubernetes objects in {kubernetes}")
    if systemd is not None:
        count = check_systemd(systemd, server_binary, report)
        report.notes.append(f"checked {count} systemd units in {systemd}")
    return report


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Checks the Kubernetes manifests and systemd units in deploy/.",
        epilog="exit codes: 0 no problem, 1 problems (printed), 2 usage error")
    parser.add_argument("--kubernetes", type=Path, metavar="DIR",
                        help="directory of Kubernetes manifests")
    parser.add_argument("--systemd", type=Path, metavar="DIR",
                        help="directory of systemd units and example environment files")
    parser.add_argument("--server_binary", type=Path, metavar="PATH",
                        help="a liu-server executable standing in for the installed one "
                             "in `systemd-analyze verify`")
    args = parser.parse_args(None if argv is None else list(argv))
    if args.kubernetes is None and args.systemd is None:
        parser.error("give --kubernetes and/or --systemd")
    report = check(args.kubernetes, args.systemd, args.server_binary)
    for note in report.notes:
        print(note)
    for problem in report.problems:
        print(problem)
    if report.problems:
        print(f"{len(report.problems)} problems")
        return 1
    print("no problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
