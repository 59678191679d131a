"""Run the benchmarks: `.venv/bin/python bench/run.py [extract|check|audio|build|scale|all]`.

Not a test and not run in CI: each bench prints its figures and the issue's targets. Scratch
files (corpora, project copies, translate-toolkit's own virtualenv) go to bench/.work/.
"""

from __future__ import annotations

import argparse
import datetime
import shutil

from common import SCRATCH, machine

BENCHES = ("extract", "check", "audio", "build", "scale")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench", nargs="?", default="all", choices=[*BENCHES, "all"])
    parser.add_argument("--articles", type=int, default=200, help="corpus size (extract, check)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="runs per figure, median reported (default: 3 for extract, 1 for the slow ones)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep this run's scratch files in bench/.work/run-PID"
    )
    parser.add_argument(
        "--po4a-split", action="store_true", help="also time po4a with a .pot per article (slow)"
    )
    args = parser.parse_args()
    print(f"{datetime.date.today().isoformat()}, {machine()}\n")
    try:
        run(args)
    finally:
        if not args.keep:
            shutil.rmtree(SCRATCH, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    for name in BENCHES if args.bench == "all" else (args.bench,):
        if name == "extract":
            import bench_extract

            bench_extract.run(args.articles, args.repeat or 3, args.po4a_split)
        elif name == "check":
            import bench_check

            bench_check.run(args.articles, args.repeat or 1)
        elif name == "audio":
            import bench_audio

            bench_audio.run(args.repeat or 1)
        elif name == "build":
            import bench_build

            bench_build.run()
        elif name == "scale":
            import bench_scale

            bench_scale.run([50, 200], 6, bench_scale.BENCH.parent)
        print(flush=True)


if __name__ == "__main__":
    main()
