"""The `regsieve` command: `up`, `serve <service>`, `config`, `genkey`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from services.cli.catalogue import SERVICES, load_all_config_modules
from services.common.config import REGISTRY, ConfigError


def _print_config() -> None:
    load_all_config_modules()
    print("| variable | default | description |")
    print("| --- | --- | --- |")
    for name in sorted(REGISTRY):
        var = REGISTRY[name]
        default = (
            "(required)" if var.default is None else (f"`{var.default}`" if var.default else "")
        )
        print(f"| `{name}` | {default} | {var.description} |")


def build_parser() -> argparse.ArgumentParser:
    from services.cli.up import default_data_dir

    parser = argparse.ArgumentParser(
        prog="regsieve",
        description="Rules-based container registry scanning.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser(
        "up", help="run the whole system on this machine (embedded PostgreSQL and NATS)"
    )
    up.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("REGSIEVE_DATA_DIR") or default_data_dir()),
        help="where the embedded servers keep their data (kept across restarts)",
    )
    up.add_argument("--host", default="127.0.0.1", help="address services listen on")
    up.add_argument(
        "--port-offset", type=int, default=0, help="added to every default port (50051, ...)"
    )
    up.add_argument(
        "--services", default="", help=f"comma-separated subset of: {', '.join(SERVICES)}"
    )
    serve = commands.add_parser("serve", help="run one service (configured by environment)")
    serve.add_argument("service", choices=sorted(SERVICES))
    vulndb = commands.add_parser(
        "vulndb",
        help="vulnerability database: import OSV records (directory, all.zip or URL), or status;"
        " talks to the Scanner at REGSIEVE_SCANNER_TARGET",
    )
    vulndb.add_argument("action", choices=["import", "status"])
    vulndb.add_argument("source", nargs="?", default="", help="directory, .zip file or URL")
    vulndb.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait")
    commands.add_parser("config", help="list every configuration variable (Markdown)")
    commands.add_parser("genkey", help="print a new REGSIEVE_SECRET_KEY")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "config":
        _print_config()
        return 0
    if args.command == "genkey":
        from services.common.secrets import generate_key

        print(generate_key())
        return 0
    if args.command == "up":
        from services.cli.up import run_up

        names = [s.strip() for s in args.services.split(",") if s.strip()] or None
        unknown = [n for n in names or [] if n not in SERVICES]
        if unknown:
            print(f"regsieve up: unknown services: {', '.join(unknown)}", file=sys.stderr)
            return 2
        return run_up(args.data_dir, args.host, args.port_offset, names)
    if args.command == "vulndb":
        from services.cli.vulndb import run_vulndb

        if args.action == "import" and not args.source:
            print("regsieve vulndb import: give a directory, a .zip file or a URL", file=sys.stderr)
            return 2
        return run_vulndb(args.action, args.source, args.timeout)
    if args.command == "serve":
        runner = SERVICES[args.service].load_runner()
        try:
            asyncio.run(runner(os.environ))
        except ConfigError as exc:
            print(f"regsieve serve {args.service}: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
