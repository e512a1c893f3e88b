"""python -m sweeplab sync PATH...   upload offline runs (offline-run-* folders, their run.jsonl,
or a folder holding them, e.g. ./sweeplab). Syncing again is a no-op."""

import argparse
import sys

from ._http import Error, Unreachable, base_url
from ._offline import run_files, sync


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m sweeplab")
    commands = parser.add_subparsers(dest="command", required=True)
    sync_parser = commands.add_parser("sync", help="upload offline runs")
    sync_parser.add_argument("paths", nargs="+", metavar="PATH")
    sync_parser.add_argument("--url", default=None, help="server (default: $SWEEPLAB_URL or http://127.0.0.1:3000)")
    args = parser.parse_args(argv)
    url = (args.url or base_url()).rstrip("/")
    try:
        files = run_files(args.paths)
    except Error as e:
        print(f"sweeplab sync: {e}", file=sys.stderr)
        return 2
    failed = 0
    for path in files:
        try:
            sync(path, url)
        except (Error, Unreachable) as e:
            failed += 1
            print(f"sweeplab sync: {path}: {e}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
