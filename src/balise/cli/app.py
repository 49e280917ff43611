"""The ``balise`` command: parse, call a service, render. No business logic lives here."""

from __future__ import annotations

import gc
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from balise.errors import BaliseError
from balise.i18n import language_from_env, use_language
from balise.i18n import messages as m
from balise.services.workspace import Workspace, open_workspace

_lang = language_from_env()


def h(msg: m.Msg) -> str:  # type: ignore[name-defined]
    return msg.render(_lang)


app = typer.Typer(help=h(m.HELP_APP), no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


class Lang(str, Enum):
    en = "en"
    fr = "fr"


class Output(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class _State:
    workspace: Path | None = None
    ws: Workspace | None = None


state = _State()


def workspace() -> Workspace:
    if state.ws is None:
        state.ws = open_workspace(state.workspace)
    return state.ws


@app.callback()
def main_options(
    workspace_dir: Annotated[Path | None, typer.Option("--workspace", help=h(m.HELP_WORKSPACE),
                                                       envvar="BALISE_HOME")] = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help=h(m.HELP_LANG))] = None,
) -> None:
    state.workspace = workspace_dir
    use_language(lang.value if lang else _lang)


def main() -> None:
    from balise.cli import (  # noqa: F401
        analyses_cmds,
        budgets_cmds,
        carbon_cmds,
        commands,
        findings_cmds,
        kpis_cmds,
        operate_cmds,
        posture_cmds,
        sovereignty_cmds,
        utilisation_cmds,
        web_cmds,
    )

    # A command creates hundreds of thousands of long-lived objects (Ibis, SQLGlot, rules, rows), and CPython's
    # default thresholds run a full collection again and again over them, for little to collect (0.15-0.2 s a
    # run, measured). Collect less often; a command's cycles are still collected.
    gc.freeze()
    gc.set_threshold(50_000, 20, 50)
    try:
        # without standalone mode click returns the code of a typer.Exit instead of raising it
        returned = app(standalone_mode=False)
        code = returned if isinstance(returned, int) else 0
    except BaliseError as e:
        from balise.cli.render import error
        error(str(e))
        code = e.exit_code
    except typer.Exit as e:
        code = e.exit_code
    except typer.Abort:
        code = 130
    except Exception as e:  # click's usage errors (missing option, bad value) carry their own exit code, 2
        # Typer 0.29 vendors its own click (typer._click), whose exceptions are not click.ClickException:
        # recognise a usage error by what it can do.
        if callable(getattr(e, "show", None)) and isinstance(getattr(e, "exit_code", None), int):
            e.show()  # type: ignore[attr-defined]
            code = e.exit_code  # type: ignore[attr-defined]
        else:
            raise
    finally:
        if state.ws is not None:
            state.ws.close()
    sys.exit(code)
