"""`StageState.fields`: a few values of large rows, picked out by SQLite, equal to the rows'."""

from __future__ import annotations

from pathlib import Path

from toolkit.state import StageState

WANTED = {"key": "$.key", "published": "$.published", "audio": "$.record.audio_seconds"}


def test_fields_are_the_rows_values_stored_and_changed(tmp_path: Path) -> None:
    state = StageState(tmp_path / "site.json", {"x": 1})
    state.set("pair:es/a", {"key": "k1", "published": True, "record": {"audio_seconds": 1.5}})
    state.set("pair:es/b", {"key": "k2", "published": False, "reasons": "why"})
    state.set("pair:es/c", {"key": "k3", "published": True, "record": {"audio_seconds": None}})
    state.set("page:root", {"key": "k4"})
    state.save()
    state.close()

    again = StageState(tmp_path / "site.json", {"x": 1})
    assert again.fields("pair:", WANTED) == {
        "pair:es/a": {"key": "k1", "published": True, "audio": 1.5},
        "pair:es/b": {"key": "k2", "published": False, "audio": None},
        "pair:es/c": {"key": "k3", "published": True, "audio": None},
    }
    # changed since read: as they are now
    again.set("pair:es/a", {"key": "k5", "published": False})
    again.discard("pair:es/b")
    again.set("pair:es/d", {"key": "k6", "published": True, "record": {"audio_seconds": 2}})
    found = again.fields("pair:", WANTED)
    assert found["pair:es/a"] == {"key": "k5", "published": False, "audio": None}
    assert "pair:es/b" not in found
    assert found["pair:es/d"] == {"key": "k6", "published": True, "audio": 2}
    assert type(found["pair:es/c"]["published"]) is bool  # JSON's true, not SQLite's 1


def test_fields_of_a_state_with_other_settings_are_empty(tmp_path: Path) -> None:
    state = StageState(tmp_path / "site.json", {"x": 1})
    state.set("pair:es/a", {"key": "k1"})
    state.save()
    state.close()
    assert StageState(tmp_path / "site.json", {"x": 2}).fields("pair:", WANTED) == {}
