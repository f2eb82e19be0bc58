"""flask --app wsgi <command>: operator commands."""
import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from rq.job import Job

from app import unit_of_work
from app.audit import service as audit_log
from app.auth.models import User
from app.auth.service import find_or_create_user
from app.community import roster, service
from app.community.models import GRANTABLE_ROLES, Community
from app.errors import ApiError
from app.extensions import db
from app.jobs import queue


def register_commands(app):
    app.cli.add_command(demo)
    app.cli.add_command(grant_role)
    app.cli.add_command(import_roster)
    app.cli.add_command(worker)
    app.cli.add_command(jobs)
    app.cli.add_command(audit)


@click.command("demo")
@with_appcontext
def demo():
    """Load the demo community (safe to run again)."""
    from app.demo import load_demo

    summary = unit_of_work.run(load_demo)
    click.echo(f"{summary['community']} (id {summary['community_id']}): {summary['households']} households")
    click.echo("sign in with dev:admin, dev:staff, dev:grid1, dev:bhead, dev:council1, dev:owners, "
               "dev:supervisor, dev:liaison-cg, dev:volunteer, dev:resident, dev:elder")


@click.command("grant-role")
@with_appcontext
@click.argument("openid")
@click.argument("role", type=click.Choice(GRANTABLE_ROLES))
@click.option("--scope", "scope_id", type=int, default=None,
              help="id of the community, grid, building, department or volunteer team")
def grant_role(openid, role, scope_id):
    """Grant ROLE to the user with OPENID (created if they have not signed in yet)."""
    existed = db.session.scalar(db.select(User).filter_by(openid=openid)) is not None
    user = find_or_create_user(openid)
    try:
        assignment = unit_of_work.run(service.grant_role, None, user, role, scope_id)
    except ApiError as exc:
        raise click.ClickException(f"{exc.message} {exc.details or ''}".strip()) from None
    note = "" if existed else " (user created; they can sign in later)"
    click.echo(f"granted {assignment.role} scope={assignment.scope_id} to {openid}{note}")


@click.command("import-roster")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--community", "community_id", type=int, default=None,
              help="community id (may be left out when there is only one)")
def import_roster(file, community_id):
    """Import a household roster (.xlsx or .csv). Exit status 2 when some rows were refused."""
    if community_id is None:
        communities = db.session.scalars(db.select(Community).limit(2)).all()
        if len(communities) != 1:
            raise click.ClickException("there is not exactly one community: pass --community ID")
        community = communities[0]
    else:
        community = db.session.get(Community, community_id)
        if community is None:
            raise click.ClickException(f"no community {community_id}")
    try:
        report = unit_of_work.run(roster.import_file, community, file.name, file.read_bytes())
    except ApiError as exc:
        raise click.ClickException(f"{exc.message} {json.dumps(exc.details, ensure_ascii=False)}") from None
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    if report.errors:
        raise SystemExit(2)


def _require_redis():
    if queue.inline:
        raise click.ClickException("REDIS_URL is not set: jobs run inline in the web process, "
                                   "there is no queue to work on")


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="work until the queues are empty, then stop")
def worker(burst):
    """Run an rq worker (with the scheduler) on the default and bulk queues; it waits out Redis
    outages instead of exiting."""
    _require_redis()
    queue.work(burst=burst)


@click.group("jobs")
def jobs():
    """Inspect and requeue failed background jobs."""


@jobs.command("failed")
@with_appcontext
def failed_jobs():
    """List failed jobs: id, queue, function, arguments, the error's last line."""
    _require_redis()
    count = 0
    for registry in queue.failed_registries():
        for job in Job.fetch_many(registry.get_job_ids(), connection=registry.connection):
            if job is None:  # expired meanwhile
                continue
            count += 1
            result = job.latest_result()
            error = (result.exc_string if result else "") or ""
            last_line = error.strip().splitlines()[-1] if error.strip() else ""
            click.echo(f"{job.id}\t{registry.name}\t{job.func_name}\t{job.args!r}\t{last_line}")
    if not count:
        click.echo("no failed jobs")


@jobs.command("requeue")
@with_appcontext
@click.argument("job_ids", nargs=-1)
@click.option("--all", "requeue_all", is_flag=True, help="requeue every failed job")
def requeue_jobs(job_ids, requeue_all):
    """Put failed jobs back on their queue (each notification is still sent at most once)."""
    _require_redis()
    if not job_ids and not requeue_all:
        raise click.UsageError("name JOB_IDS or pass --all")
    requeued = 0
    for registry in queue.failed_registries():
        for job_id in registry.get_job_ids():
            if requeue_all or job_id in job_ids:
                registry.requeue(job_id)
                requeued += 1
    click.echo(f"requeued {requeued} job(s)")


@click.group("audit")
def audit():
    """The audit log."""


@audit.command("verify")
@with_appcontext
def verify_audit():
    """Check the audit log's hash chain; exit status 1 if it is broken."""
    result = audit_log.verify()
    if result["ok"]:
        click.echo(f"audit log intact: {result['entries']} entries, last hash {result['last_hash']}")
        return
    click.echo(f"audit log BROKEN at entry {result['first_bad_id']} "
               f"({result['entries']} entries verified before it)", err=True)
    raise SystemExit(1)
