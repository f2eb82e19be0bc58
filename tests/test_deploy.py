"""The deployment kit in deploy/ (README: Production): systemd units, the nginx site, the docker
compose trial and its image. Checked by the tools where this machine has them (systemd-analyze
verify, nginx -t, docker compose config) and always against the project itself: every command a
unit or container runs is one this project has, every variable they set is a setting the app
reads, and their limits fit the app's own (the job timeout, gunicorn's keepalive and graceful
timeout, the largest request)."""
import ast
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections import deque
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.jobs import JOB_TIMEOUT
from app.media.storage import build_storage
from config import TEMPLATE_PREFIX, BaseConfig, load_config
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
APP_DIR = "/opt/yuanba"  # where the units expect the checkout, its virtualenv in .venv
SERVICES = ["yuanba-app.service", "yuanba-worker@.service", "yuanba-backup.service"]
LONG_RUNNING = ["yuanba-app.service", "yuanba-worker@.service"]
# Variables the image sets for Python and pip themselves, not for the app.
INTERPRETER_VARIABLES = ("PYTHON", "PIP_")


def unit(name):
    """{section: {key: [values]}} of a unit file."""
    sections, section = {}, None
    for line in (SYSTEMD / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            section.setdefault(key, []).append(value)
    return sections


def seconds(duration):
    """A systemd or compose duration such as 660s, 11m, 6h."""
    number, unit_ = re.fullmatch(r"(\d+)(s|min|m|h)", duration).groups()
    return int(number) * {"s": 1, "m": 60, "min": 60, "h": 3600}[unit_]


def gunicorn_setting(name):
    """A constant of config/gunicorn.conf.py, read without running the file (which makes a metrics
    directory and sets it in the environment)."""
    tree = ast.parse((ROOT / "config" / "gunicorn.conf.py").read_text())
    [value] = [node.value for node in tree.body if isinstance(node, ast.Assign)
               and [getattr(target, "id", None) for target in node.targets] == [name]]
    return ast.literal_eval(value)


def settings_read():
    """The environment variables the app reads: config/__init__.py and config/gunicorn.conf.py."""
    source = (ROOT / "config" / "__init__.py").read_text() + (ROOT / "config" / "gunicorn.conf.py").read_text()
    return set(re.findall(r"""(?:\.(?:text|whole|number|flag|str)|environ\.get)\(\s*["']([A-Z0-9_]+)["']""", source))


def is_setting(name):
    return name in settings_read() or name.startswith(TEMPLATE_PREFIX)


# ---------------------------------------------------------------- systemd


def test_systemd_analyze_verifies_the_units(tmp_path):
    """systemd's own check: every key known and well-formed, every command executable. The units
    name /opt/yuanba; here they are pointed at this checkout and its virtualenv."""
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed on this machine (any systemd machine has it)")
    venv_bin = str(Path(sys.executable).parent)
    for path in SYSTEMD.iterdir():
        text = path.read_text().replace(f"{APP_DIR}/.venv/bin", venv_bin).replace(APP_DIR, str(ROOT))
        (tmp_path / path.name).write_text(text)
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == sorted([*SERVICES, "yuanba-backup.timer"])
    result = subprocess.run(["systemd-analyze", "verify", *names], cwd=tmp_path, capture_output=True, text=True)
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if "yuanba" in line]
    assert result.returncode == 0 and complaints == [], result.stdout + result.stderr


def test_the_units_start_commands_this_project_has(app):
    for name in SERVICES:
        service = unit(name)["Service"]
        assert service["WorkingDirectory"] == [APP_DIR]
        [command] = service["ExecStart"]
        program, *args = shlex.split(command)
        if program == f"{APP_DIR}/.venv/bin/gunicorn":
            assert args[:2] == ["-c", "config/gunicorn.conf.py"] and (ROOT / args[1]).is_file()
            assert args[2:] == ["wsgi:app"] and (ROOT / "wsgi.py").is_file()
        elif program == f"{APP_DIR}/.venv/bin/flask":
            assert args[:2] == ["--app", "wsgi"]
            result = app.test_cli_runner().invoke(args=[*args[2:], "--help"])
            assert result.exit_code == 0 and "Usage:" in result.output, f"{name}: {command}: {result.output}"
        else:
            script = ROOT / Path(program).relative_to(APP_DIR)
            assert script.is_file() and os.access(script, os.X_OK), f"{name}: {program} is not an executable here"
            assert args == service["ReadWritePaths"], "the backup goes where the sandbox lets it write"


def test_the_units_restart_within_limits_and_stop_without_cutting_work_short():
    for name in LONG_RUNNING:
        sections = unit(name)
        assert sections["Service"]["Restart"] == ["on-failure"]
        assert sections["Unit"]["StartLimitIntervalSec"] and sections["Unit"]["StartLimitBurst"]
        assert sections["Service"]["KillMode"] == ["mixed"]  # SIGTERM to the main process first
    app_stop = seconds(unit("yuanba-app.service")["Service"]["TimeoutStopSec"][0])
    assert app_stop > gunicorn_setting("graceful_timeout")  # requests in flight finish
    worker_stop = seconds(unit("yuanba-worker@.service")["Service"]["TimeoutStopSec"][0])
    assert worker_stop > JOB_TIMEOUT  # rq's warm shutdown: the job running finishes


def test_the_units_run_as_their_own_user_in_a_sandbox_with_somewhere_to_write():
    for name in SERVICES:
        service = unit(name)["Service"]
        assert service["User"] == ["yuanba"] and service["EnvironmentFile"] == ["/etc/yuanba/env"]
        assert service["NoNewPrivileges"] == ["yes"] and service["PrivateTmp"] == ["yes"]
        assert service["ProtectSystem"] == ["strict"]
        writable = [f"/var/lib/{directory}" for directory in service.get("StateDirectory", [])]
        writable += service.get("ReadWritePaths", [])
        media_root = dict(value.split("=", 1) for value in service.get("Environment", []))["MEDIA_ROOT"]
        if name in LONG_RUNNING:  # the app stores photos there when no bucket is set
            assert any(media_root.startswith(f"{path}/") for path in writable), name


def test_the_timer_starts_the_backup_nightly_and_catches_up():
    timer = unit("yuanba-backup.timer")
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == ["true"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]
    [started] = timer["Timer"]["Unit"]
    service = unit(started)["Service"]
    assert service["Type"] == ["oneshot"] and service["ExecStart"][0].startswith(f"{APP_DIR}/deploy/backup.sh ")


def test_the_backup_scripts_parse():
    for name in ("backup.sh", "restore.sh"):
        script = DEPLOY / name
        assert os.access(script, os.X_OK), name
        result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- environment


def environment_file():
    pairs = [line.split("=", 1) for line in (DEPLOY / "env.example").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    return dict(pairs)


def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def app_services(spec):
    """The services running this project's image (the others are PostgreSQL, Redis, MinIO)."""
    return {name: service for name, service in spec["services"].items() if "build" in service}


def test_every_variable_the_kit_sets_is_a_setting_the_app_reads():
    assert {"DATABASE_URL", "MEDIA_S3_BUCKET", "GUNICORN_BIND", "APP_ENV"} <= settings_read()  # the reader works
    names = set(environment_file())
    for name in SERVICES:
        names |= {value.split("=", 1)[0] for value in unit(name)["Service"].get("Environment", [])}
    for service in app_services(compose()).values():
        names |= set(service["environment"])
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    image_env = re.search(r"^ENV (.*?)(?=^\S)", dockerfile, re.M | re.S).group(1)
    names |= {name for name in re.findall(r"([A-Z0-9_]+)=", image_env) if not name.startswith(INTERPRETER_VARIABLES)}
    assert sorted(name for name in names if not is_setting(name)) == []


def test_the_example_environment_is_one_production_accepts(monkeypatch):
    for name in settings_read():
        monkeypatch.delenv(name, raising=False)
    blanks = {"SECRET_KEY": "k" * 64, "WECHAT_APPID": "wx0123456789", "WECHAT_SECRET": "secret",
              "WECHAT_PUSH_TOKEN": "token", "MEDIA_S3_ACCESS_KEY": "key", "MEDIA_S3_SECRET_KEY": "secret"}
    for name, value in environment_file().items():
        monkeypatch.setenv(name, value or blanks[name])
    settings = load_config()
    assert settings.APP_ENV == "production" and settings.SQLALCHEMY_DATABASE_URI.startswith("postgresql://")
    assert build_storage(vars(settings)).bucket == "yuanba-photos"


# ---------------------------------------------------------------- nginx


def parse_nginx(text):
    """nginx's configuration as [(name, args, children or None)]; quotes kept off the args."""
    tokens = deque(token for token in re.findall(r"""'[^']*'|"[^"]*"|[{};]|#[^\n]*|[^\s{};'"#]+""", text)
                   if not token.startswith("#"))

    def block(depth):
        directives, words = [], []
        while tokens:
            token = tokens.popleft()
            if token in (";", "{"):
                directives.append((words[0], words[1:], block(depth + 1) if token == "{" else None))
                words = []
            elif token == "}":
                assert depth > 0 and not words, "unbalanced braces"
                return directives
            else:
                words.append(token[1:-1] if token[0] in "'\"" else token)
        assert depth == 0 and not words, "unbalanced braces"
        return directives

    return block(0)


def directives(block, name):
    return [(args, children) for found, args, children in block if found == name]


def site():
    config = parse_nginx((DEPLOY / "nginx" / "yuanba.conf").read_text())
    [(_, upstream)] = directives(config, "upstream")
    [tls] = [children for args, children in directives(config, "server")
             if any("ssl" in listen for listen, _ in directives(children, "listen"))]
    return config, upstream, tls


def size(value):
    return int(value[:-1]) * {"k": 1024, "m": 1024 ** 2}[value[-1].lower()]


def test_nginx_keeps_connections_to_the_app_and_passes_on_what_it_needs():
    config, upstream, tls = site()
    assert directives(upstream, "keepalive")
    [([timeout], _)] = directives(upstream, "keepalive_timeout")
    assert seconds(timeout) < gunicorn_setting("keepalive")  # nginx lets an idle one go before gunicorn does
    assert directives(tls, "ssl_certificate") and directives(tls, "ssl_certificate_key")
    [([body], _)] = directives(tls, "client_max_body_size")
    assert size(body) > BaseConfig().MAX_CONTENT_LENGTH  # too large: the app's JSON 413, not nginx's page

    [proxied] = [children for args, children in directives(tls, "location") if args == ["/"]]
    assert directives(proxied, "proxy_pass") == [(["http://yuanba"], None)]
    headers = {args[0]: args[1] for args, _ in directives(proxied, "proxy_set_header")}
    assert headers["X-Request-ID"] == "$request_id"  # the app logs nginx's id for the request
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for" and headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["Connection"] == "" and directives(proxied, "proxy_http_version") == [(["1.1"], None)]
    [log_format] = [args for args, _ in directives(config, "log_format") if args[0] == "yuanba"]
    assert any("$request_id" in part for part in log_format)


def test_nginx_never_serves_the_metrics_to_the_public(app):
    _, _, tls = site()
    denied = [args[-1] for args, children in directives(tls, "location")
              if args[0] in ("=", "^~") and (directives(children, "deny") == [(["all"], None)]
                                             or [args[0] for args, _ in directives(children, "return")] == ["404"])]
    assert "/metrics" in denied
    routes = [rule.rule for rule in app.url_map.iter_rules() if "metrics" in rule.rule]
    assert all(any(route.startswith(path) for path in denied) for route in routes), routes


def self_signed(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.example.cn")])
    now = datetime.now(timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256()))
    (directory / "site.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "site.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))


def test_nginx_accepts_the_site(tmp_path):
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if not nginx:
        pytest.skip("nginx is not installed on this machine: the site is checked by the structural tests only")
    self_signed(tmp_path)
    text = (DEPLOY / "nginx" / "yuanba.conf").read_text()
    text = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {tmp_path}/site.pem;", text)
    text = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {tmp_path}/site.key;", text)
    text = re.sub(r"access_log\s+\S+", f"access_log {tmp_path}/access.log", text)
    (tmp_path / "yuanba.conf").write_text(text)
    temp = "\n".join(f"    {kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                              "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
                                         f"http {{\n{temp}\n    access_log {tmp_path}/access.log;\n"
                                         f"    include {tmp_path}/yuanba.conf;\n}}\n")
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "[warn]" not in result.stderr, result.stderr


# ---------------------------------------------------------------- docker compose and the image


def test_compose_brings_up_the_stack_in_order_with_health_checks():
    spec = compose()
    services = spec["services"]
    assert {"app", "worker", "migrate", "postgres", "redis", "minio", "minio-bucket"} <= set(services)
    for name in ("postgres", "redis", "minio", "app", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["app"]["healthcheck"]["test"])
    assert services["migrate"]["command"] == ["flask", "--app", "wsgi", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["app"]["command"] == ["gunicorn", "-c", "config/gunicorn.conf.py", "wsgi:app"]
    assert services["worker"]["command"] == ["flask", "--app", "wsgi", "worker"]
    for name in ("app", "worker"):  # nothing serves before the schema is there
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["app"]["depends_on"]["minio-bucket"]["condition"] == "service_completed_successfully"
    assert "mb" in " ".join(services["minio-bucket"]["command"]) and "yuanba-photos" in " ".join(
        services["minio-bucket"]["command"])
    assert services["app"]["environment"]["MEDIA_S3_BUCKET"] == "yuanba-photos"
    assert seconds(services["worker"]["stop_grace_period"]) > JOB_TIMEOUT
    for service in app_services(spec).values():
        assert (ROOT / "deploy" / service["build"]["context"] / service["build"]["dockerfile"]).resolve() \
            == DEPLOY / "Dockerfile"


def test_the_image_installs_the_requirements_as_the_makefile_does():
    def installs(text):
        """Each `pip install` of a requirements file, with the options that change what is installed."""
        found = []
        for command in re.findall(r"pip install ([^\n&\\]*)", text):
            words = [word for word in command.split() if word not in ("--quiet", "-q", "--no-cache-dir")]
            found.append(" ".join(words))
        return found

    makefile = (ROOT / "Makefile").read_text()
    runtime = re.search(r"^\$\(VENV\)/\.runtime:.*?\n((?:\t.*\n)+)", makefile, re.M).group(1)
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert installs(dockerfile) == installs(runtime) != []
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    for source in re.findall(r"^COPY (?!--from)(.*) \S+$", dockerfile, re.M):
        for path in source.split():
            assert (ROOT / path).exists(), f"the Dockerfile copies {path}, which is not in the repository"


def test_docker_compose_accepts_the_file():
    if shutil.which("docker") is None or subprocess.run(["docker", "compose", "version"],
                                                        capture_output=True).returncode != 0:
        pytest.skip("the docker compose plugin is not installed on this machine (`docker compose version` "
                    "fails): compose.yaml is checked by the structural tests only")
    result = subprocess.run(["docker", "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "--quiet"],
                            capture_output=True, text=True, env={**os.environ, "SECRET_KEY": "k" * 64})
    assert result.returncode == 0, result.stderr
