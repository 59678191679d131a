"""translate-toolkit's md2po + po2md on every <n>.md of a folder, in one process.

Run with translate-toolkit's own interpreter (bench/.work/venv-tt). For each file: extract
units as md2po does, fill every msgstr with its msgid (or its upper-cased msgid with
`upper`), and write `<n>.out` as po2md does. Each file gets 10 seconds; one line per file
says how it went.
"""

from __future__ import annotations

import io
import re
import signal
import sys
from pathlib import Path

from translate.convert.po2md import DEFAULT_MAX_LINE_LENGTH, MarkdownTranslator
from translate.storage import markdown, po


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


def main(folder: str) -> None:
    signal.signal(signal.SIGALRM, _alarm)
    files = sorted(Path(folder).glob("*.md"), key=lambda p: int(p.stem))
    for path in files:
        signal.alarm(10)
        try:
            data = path.read_bytes()
            parsed = markdown.MarkdownFile(inputfile=io.BytesIO(data))
            store = po.pofile()
            for unit in parsed.units:
                store.addsourceunit(unit.source).target = unit.source
            translator = MarkdownTranslator(store, False, None, DEFAULT_MAX_LINE_LENGTH)
            out = io.BytesIO()
            translator.translate(io.BytesIO(data), out)
            (path.parent / f"{path.stem}.out").write_bytes(out.getvalue())
            result = "ok"
        except Hang:
            result = "hang"
        except Exception as exc:  # a crash is a result here
            result = "crash " + re.sub(r"\s+", " ", f"{type(exc).__name__}: {exc}")
        finally:
            signal.alarm(0)
        print(path.stem, result, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
