"""Starting the workbench: the token when bound beyond loopback, the address, uvicorn."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable
from datetime import date
from pathlib import Path

from cadence import loader, solver
from cadence.app.guard import LOOPBACK, Config
from cadence.app.server import create_app
from cadence.errors import InputError
from cadence.session import Workspace


def config(
    scenario: Path,
    folder: Path,
    host: str,
    port: int,
    as_of: date | None,
    time_limit: float,
) -> Config:
    """The app's configuration; the scenario is checked first (located errors, exit 2)."""
    loader.load(scenario)
    workspace = Workspace(scenario, folder, as_of, solver.Settings(time_limit=time_limit))
    token = None if host in LOOPBACK else secrets.token_urlsafe(24)
    return Config(workspace, host=host, port=port, token=token)


def serve(
    scenario: Path,
    folder: Path,
    host: str,
    port: int,
    as_of: date | None,
    time_limit: float,
    say: Callable[[str], None],
) -> None:
    import uvicorn

    settings = config(scenario, folder, host, port, as_of, time_limit)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError as err:
        listener.close()
        raise InputError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/"
    if settings.token:
        say(
            f"warning: serving the workbench to the network on {host}; each request needs the token"
        )
        address += f"?token={settings.token}"
    if not settings.workspace.has_plan():
        say(f"{folder} has no plan yet: planning first (the page shows the progress)")
    say(f"cadence app for {scenario} and {folder}: open {address} (Ctrl-C stops)")
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), log_level="warning", limit_concurrency=32, timeout_keep_alive=5
        )
    )
    try:
        server.run(sockets=[listener])
    finally:
        listener.close()
