"""Real audio with the real espeak-ng engine: every sample locale, read back from the files.

Pace is measured on the result: spoken words over the decoded file's length, pauses
included. Figures with espeak-ng 1.52 at the default 140 words a minute on the short articles
below (in brackets, the pace while speaking): en 140 (154), es 140 (178), ar 140 (157),
zh_Hans 140 characters a minute (162), vi 140 written syllables a minute (165). Every locale
is asserted at 130-150 on the whole file; a "word" is a Chinese character or a Vietnamese
syllable there, which is not the same unit, so those figures say the pipeline hits its
target, not that the pace feels the same.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from toolkit.audio import engines_report, generate_audio, synthesize_article
from toolkit.audio.engines.espeak import EspeakEngine
from toolkit.audio.pipeline import resolve_voice
from toolkit.config import AudioConfig
from toolkit.errors import EngineError, ToolkitError
from toolkit.models import TextBlock
from toolkit.project import Project

# Short plain-language articles: (title, paragraph, heading, paragraph).
ARTICLES = {
    "en": (
        "Your blood pressure",
        "Your nurse will check your blood pressure at every visit. A normal reading is "
        "about 120/80 mmHg. Take 2.5 mg of your tablet each morning with a glass of water.",
        "When to get help",
        "Call your care team if your reading stays above 140/90. Call 911 if you have chest "
        "pain or trouble breathing.",
    ),
    "es": (
        "Su presión arterial",
        "Su enfermera le tomará la presión en cada visita. Una lectura normal es de unos "
        "120/80 mmHg. Tome 2,5 mg de su pastilla cada mañana con un vaso de agua.",
        "Cuándo pedir ayuda",
        "Llame a su equipo de salud si la lectura sigue por encima de 140/90. Llame al 911 "
        "si tiene dolor en el pecho o le cuesta respirar.",
    ),
    "ar": (
        "ضغط الدم",
        "ستقيس الممرضة ضغط دمك في كل زيارة. القراءة الطبيعية حوالي 120/80 mmHg. تناول 2.5 mg "
        "من دوائك كل صباح مع كوب من الماء.",
        "متى تطلب المساعدة",
        "اتصل بفريق الرعاية إذا بقيت القراءة فوق 140/90. اتصل بالطوارئ إذا شعرت بألم في الصدر.",
    ),
    "zh_Hans": (
        "您的血压",
        "护士每次就诊时都会为您测量血压。正常读数约为120/80 mmHg。每天早上用一杯水服用2.5 mg药片。",
        "何时寻求帮助",
        "如果读数一直高于140/90，请联系您的医护团队。如果胸痛或呼吸困难，请拨打急救电话。",
    ),
    "vi": (
        "Huyết áp của bạn",
        "Y tá sẽ đo huyết áp cho bạn mỗi lần khám. Chỉ số bình thường khoảng 120/80 mmHg. "
        "Uống 2,5 mg thuốc mỗi sáng với một ly nước.",
        "Khi nào cần giúp đỡ",
        "Hãy gọi nhóm chăm sóc nếu chỉ số luôn trên 140/90. Gọi cấp cứu nếu bạn bị đau ngực.",
    ),
}
ISO639_2 = {"en": "eng", "es": "spa", "ar": "ara", "zh_Hans": "zho", "vi": "vie"}
VOICES = {"en": "en-us", "es": "es-419", "ar": "ar", "zh_Hans": "cmn", "vi": "vi"}


def blocks_of(locale: str) -> list[TextBlock]:
    title, first, heading, second = ARTICLES[locale]
    return [
        TextBlock("title", title),
        TextBlock("paragraph", first),
        TextBlock("heading", heading, level=2),
        TextBlock("paragraph", second),
    ]


def last_cue_end(vtt: str) -> float:
    h, m, s = re.findall(r"--> (\d+):(\d+):([\d.]+)", vtt)[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)


@pytest.fixture(scope="module")
def engine() -> EspeakEngine:
    return EspeakEngine(AudioConfig(), Path("."))


@pytest.mark.parametrize("locale", list(ARTICLES))
def test_real_audio_per_locale(tmp_path: Path, engine: EspeakEngine, locale: str) -> None:
    config = AudioConfig(voices={"espeak": {"es": "es-419", "zh_Hans": "cmn"}})
    voice = resolve_voice(engine, locale, config)
    assert voice == VOICES[locale]
    result = synthesize_article(
        blocks_of(locale),
        locale,
        engine,
        voice,
        config,
        tmp_path,
        ARTICLES[locale][0],
        cache_dir=tmp_path / "cache",
        workers=1,
    )
    mp3 = tmp_path / "audio.mp3"
    pcm, rate = soundfile.read(mp3, dtype="float64")
    assert pcm.ndim == 1 and rate in (22050, 24000)
    info = MP3(mp3).info
    assert info.channels == 1 and 48000 <= info.bitrate <= 64000
    duration = len(pcm) / rate
    assert (
        abs(last_cue_end((tmp_path / "captions.vtt").read_text(encoding="utf-8")) - duration) <= 0.1
    )
    assert result.duration == pytest.approx(duration, abs=0.01)
    loudness = pyloudnorm.Meter(rate).integrated_loudness(pcm)
    assert -19.3 <= loudness <= -18.7, loudness  # the codec's own loss made up for
    assert 20 * np.log10(np.max(np.abs(pcm))) <= -1.0
    # pace over the whole decoded file, pauses included
    assert 130 <= result.words / duration * 60 <= 150, (result.words, duration)
    assert 130 <= result.overall_pace <= 150, result.overall_pace
    tags = ID3(mp3)
    assert tags["TIT2"].text == [ARTICLES[locale][0]]
    assert tags["TLAN"].text == [ISO639_2[locale]]
    assert tags["TPUB"].text == ["toolkit sample project"]
    transcript = tags.getall("USLT")[0].text
    assert transcript.startswith(ARTICLES[locale][0]) and "120/80" in transcript
    chapters = tags.getall("CHAP")
    assert [c.sub_frames["TIT2"].text for c in chapters] == [[ARTICLES[locale][2]]]
    assert tags.getall("CTOC")[0].child_element_ids == [chapters[0].element_id]
    chapter_vtt = (tmp_path / "chapters.vtt").read_text(encoding="utf-8")
    assert chapter_vtt.count(" --> ") == 1 and ARTICLES[locale][2] in chapter_vtt
    # Captions show the page's text, not the spoken form.
    assert "120/80" in (tmp_path / "captions.vtt").read_text(encoding="utf-8")


def test_seed_article_pace_and_parallel_synthesis(
    tmp_path: Path, engine: EspeakEngine, seed: Path
) -> None:
    """The real seed article, synthesized over two worker processes."""
    lines = seed.read_text(encoding="utf-8").split("\n\n")
    blocks = [TextBlock("title", lines[0].strip())]
    blocks += [TextBlock("paragraph", " ".join(p.split())) for p in lines[1:] if p.strip()]
    seen: list[tuple[int, int, str]] = []
    result = synthesize_article(
        blocks,
        "en",
        engine,
        "en-us",
        AudioConfig(),
        tmp_path,
        blocks[0].text,
        cache_dir=tmp_path / "cache",
        workers=2,
        progress=lambda d, t, s: seen.append((d, t, s)),
    )
    assert seen[-1][0] == seen[-1][1] == result.synthesized == result.sentences
    assert len(list((tmp_path / "cache").rglob("*.tka"))) == result.sentences
    assert 135 <= result.overall_pace <= 145, result.overall_pace
    pcm, rate = soundfile.read(tmp_path / "audio.mp3", dtype="float64")
    assert 130 <= result.words / (len(pcm) / rate) * 60 <= 150
    assert -19.3 <= pyloudnorm.Meter(rate).integrated_loudness(pcm) <= -18.7
    assert result.loudness == -19.0 and result.peak <= -1.0
    # the voice's pace was measured on a sample and kept for the next articles
    assert json.loads((tmp_path / "cache" / "pace.json").read_text(encoding="utf-8"))


def project_with(tmp_path: Path, project: Path, audio_toml: str = "") -> Project:
    if audio_toml:
        (project / "pyproject.toml").write_text(audio_toml, encoding="utf-8")
    return Project.load(project)


def test_generate_audio_for_a_project_then_nothing_to_do(project: Path) -> None:
    loaded = Project.load(project)
    result = generate_audio(loaded, ["en"], [])
    site = project / "build" / "site" / "en" / "blood-pressure"
    assert result.written == [
        f"build/site/en/blood-pressure/{name}"
        for name in ("audio.mp3", "captions.vtt", "chapters.vtt")
    ]
    captions = (site / "captions.vtt").read_text(encoding="utf-8")
    assert "SYS 120 DIA 80" not in captions  # code is not spoken
    assert "Call 911 if you have chest pain." in captions
    assert len(ID3(site / "audio.mp3").getall("CHAP")) == 2  # two headings
    again = generate_audio(loaded, ["en"], [])
    assert again.written == [] and again.unchanged == 1
    assert again.lines() == ["audio: nothing to do (1 up to date)"]


def test_no_op_rerun_reads_inputs_without_rendering(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unchanged pair is recognized from its raw inputs (source, catalog, lexicons,
    config): nothing is rendered or planned. Any change to them goes the full way again."""
    import toolkit.render

    loaded = Project.load(project)
    assert generate_audio(loaded, ["en"], []).written
    mp3 = project / "build" / "site" / "en" / "blood-pressure" / "audio.mp3"
    before = mp3.read_bytes()

    def no_render(*args: object, **kwargs: object) -> None:
        raise AssertionError("rendered an unchanged pair")

    monkeypatch.setattr(toolkit.render, "source_pair", no_render)
    again = generate_audio(Project.load(project), ["en"], [])
    assert again.unchanged == 1 and again.written == []
    monkeypatch.undo()
    # a lexicon file that changes nothing said: planned again, not re-encoded, remembered
    (project / "lexicon").mkdir()
    lexicon = project / "lexicon" / "en.toml"
    lexicon.write_text('[words]\nOmron = "OM-ron"\n', encoding="utf-8")
    third = generate_audio(Project.load(project), ["en"], [])
    assert third.unchanged == 1 and mp3.read_bytes() == before
    monkeypatch.setattr(toolkit.render, "source_pair", no_render)
    assert generate_audio(Project.load(project), ["en"], []).unchanged == 1
    monkeypatch.undo()
    # one that changes a word: re-encoded, with only the sentences that say it synthesized
    lexicon.write_text('[words]\nnurse = "nurse practitioner"\n', encoding="utf-8")
    fourth = generate_audio(Project.load(project), ["en"], [])
    assert fourth.written and mp3.read_bytes() != before
    synthesized, total = re.match(r"synthesized (\d+) of (\d+)", fourth.notes[-1]).groups()
    assert 0 < int(synthesized) < int(total) / 2


def test_unknown_engine(project: Path) -> None:
    with pytest.raises(EngineError, match="unknown engine 'nope': known engines are espeak"):
        generate_audio(Project.load(project), ["en"], [], engine="nope")
    assert not (project / "build").exists()


def test_unknown_voice(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.toolkit.audio.voices.espeak]\nen = "en-nowhere"\n', encoding="utf-8"
    )
    with pytest.raises(EngineError, match="espeak has no voice 'en-nowhere'"):
        generate_audio(Project.load(project), ["en"], [])
    assert not (project / "build").exists()


def test_locale_espeak_cannot_speak_names_engines_that_can(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("toolkit.audio.engines.gtts._online", lambda: True)  # as if online
    with pytest.raises(EngineError) as caught:
        generate_audio(Project.load(project), ["tl"], [], engine="espeak")
    message = str(caught.value)
    assert message.startswith("tl: espeak has no voice for tl")
    assert "engines that can: gtts" in message
    assert not (project / "build").exists()


def test_broken_project_lexicon(project: Path) -> None:
    (project / "lexicon").mkdir()
    (project / "lexicon" / "en.toml").write_text('[words]\nOmron = "OM-ron\n', encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"lexicon/en\.toml:2: not valid TOML"):
        generate_audio(Project.load(project), ["en"], [])
    assert not (project / "build" / "site").exists()


def test_engines_report(project: Path) -> None:
    report = engines_report(Project.load(project), "es")
    by_name = {e["name"]: e for e in report.as_dict()["engines"]}
    assert by_name["espeak"]["available"] and by_name["espeak"]["voices"] == {"es": "es-419"}
    assert by_name["espeak"]["version"].startswith("libespeak-ng 1.52")
    assert report.lines()[:2] == [
        f"espeak {by_name['espeak']['version']}: available",
        "  es: es-419",
    ]
    tagalog = engines_report(Project.load(project), "tl").as_dict()["engines"][0]
    assert tagalog["voices"] == {} and "no voice for tl" in tagalog["cannot"]


def test_cli_audio_and_engines(project: Path) -> None:
    from click.testing import CliRunner

    from toolkit.cli import main

    runner = CliRunner(mix_stderr=False)
    bad = runner.invoke(main, ["--project", str(project), "audio", "--engine", "nope"])
    assert bad.exit_code == 1
    assert bad.stderr == "Error: unknown engine 'nope': known engines are espeak, gtts, piper\n"
    ok = runner.invoke(main, ["--project", str(project), "audio", "--locale", "en"])
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout.startswith("wrote build/site/en/blood-pressure/audio.mp3\n")
    listing = runner.invoke(main, ["--project", str(project), "engines", "--locale", "ar"])
    assert listing.exit_code == 0 and "  ar: ar\n" in listing.stdout
