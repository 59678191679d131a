"""`stage.Turn`: the site builder's batches calibrate one after the other, and the builder's
main thread waits only until a batch's work is under way (issue 14), never for its audio."""

from __future__ import annotations

import threading

from toolkit.audio.stage import Turn


def _released(call: object) -> bool:
    """Whether `call()` returns within a second (in a thread: a wait that hangs fails)."""
    finished = threading.Event()

    def run() -> None:
        call()  # type: ignore[operator]
        finished.set()

    threading.Thread(target=run, daemon=True).start()
    return finished.wait(1.0)


def test_a_batch_waits_for_the_calibration_of_the_one_before() -> None:
    first = Turn()
    second = Turn(first)
    assert not _released(second.wait)
    first.handed()  # under way is not calibrated: the next batch still waits
    assert not _released(Turn(first).wait)
    first.done()
    assert _released(Turn(first).wait)


def test_the_main_thread_is_released_once_the_work_is_under_way() -> None:
    turn = Turn()
    assert not _released(turn.wait_handed)
    turn.handed()  # a batch spoken pair by pair (gTTS, one core) holds its turn to the end
    assert _released(turn.wait_handed)
    calibrated = Turn()
    calibrated.done()  # calibrated: its pair tasks are handed out next
    assert _released(calibrated.wait_handed)


def test_the_turns_of_one_batchs_engines_share_when_it_is_under_way() -> None:
    batch = Turn(Turn())
    other_engine = Turn(batch.previous, batch._handed)
    other_engine.done()
    assert _released(batch.wait_handed)
    assert not _released(batch.wait)  # the batch before has not calibrated
