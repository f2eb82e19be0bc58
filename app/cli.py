"""flask --app wsgi <command>: operator commands."""
import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.auth.models import User
from app.auth.service import find_or_create_user
from app.community import roster, service
from app.community.models import GRANTABLE_ROLES, Community
from app.errors import ApiError
from app.extensions import db


def register_commands(app):
    app.cli.add_command(demo)
    app.cli.add_command(grant_role)
    app.cli.add_command(import_roster)


@click.command("demo")
@with_appcontext
def demo():
    """Load the demo community (safe to run again)."""
    from app.demo import load_demo

    summary = load_demo()
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
        assignment = service.grant_role(None, user, role, scope_id)
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
        report = roster.import_file(community, file.name, file.read_bytes())
    except ApiError as exc:
        raise click.ClickException(f"{exc.message} {json.dumps(exc.details, ensure_ascii=False)}") from None
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    if report.errors:
        raise SystemExit(2)
