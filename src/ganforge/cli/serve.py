"""Open ganforge in a web browser: generate, edit, colourise, translate, complete, upscale, listen and
look at runs, one tab each, with the shipped models and the runs under --runs.

The page is a Gradio app (install it with `pip install 'ganforge[ui]'`) and calls the same code as
the commands: each tab names its command. It listens on 127.0.0.1 (this machine only) unless --host
says otherwise; binding another address lets anyone who reaches it use the app, with no login, and
the command says so. One request runs at a time; others wait in a queue that the page shows.
Training is not offered in the page: train in a terminal, then press Refresh. Ctrl-C stops the server.

examples:
  ganforge serve                                 then open http://127.0.0.1:7860
  ganforge serve --runs runs                     also the runs trained into runs/
  ganforge serve --port 8000 --device cuda
  ganforge serve --host 0.0.0.0                  reachable from other machines (no login!)
"""

from __future__ import annotations

import argparse
import ipaddress
import sys

from ganforge.apps.webapp import WebApp
from ganforge.errors import GanforgeError
from ganforge.ui.page import default_work_dir, require_gradio, serve
from ganforge.utils.seed import resolve_device

NAME = "serve"
HELP = "open ganforge in a web browser (Gradio; pip install 'ganforge[ui]')"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `ganforge serve`."""
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0: every network)")
    parser.add_argument("--port", type=int, default=7860, help="port (default: 7860)")
    parser.add_argument("--runs", help="a folder of run folders (ganforge train --out runs/NAME) to offer too")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (default: cpu)")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> None:
    """Serve until Ctrl-C."""
    if not 1 <= args.port <= 65535:
        raise GanforgeError(f"--port {args.port}: choose a port from 1 to 65535 (7860 is the default)")
    try:
        ipv6 = ipaddress.ip_address(args.host.strip("[]")).version == 6
    except ValueError:
        ipv6 = False
    if ipv6:  # Gradio builds its URL as http://HOST:PORT, which no IPv6 address survives
        raise GanforgeError(f"--host {args.host}: the browser app's server (Gradio) cannot listen on an IPv6 address; "
                            "use 127.0.0.1 (this machine) or 0.0.0.0 (every IPv4 network)")
    require_gradio()
    app = WebApp(args.runs, work=default_work_dir(), device=str(resolve_device(args.device)))
    if not _is_loopback(args.host):
        print(f"warning: listening on {args.host}: anyone who can reach this machine on port {args.port} can use the "
              "app (there is no login); use --host 127.0.0.1 to keep it to this machine", file=sys.stderr)
    try:
        page, url = serve(app, host=args.host, port=args.port, block=False)
    except OSError as error:
        raise GanforgeError(f"cannot listen on {args.host}:{args.port} ({error}); pass another --port, or stop what "
                            "uses it") from None
    models = len(app.catalogue.entries)
    print(f"ganforge is at {url} ({models} models); Ctrl-C stops it", flush=True)
    try:
        page.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        page.close()
    print("stopped", flush=True)
