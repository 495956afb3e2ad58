"""Lexical search finds the words that are in the collection, in any script (issue 13)."""

from __future__ import annotations

import shutil

import pytest

from veracity.engine import Engine
from veracity.pipeline.plan import plan
from veracity.settings import Settings
from veracity.store import sqlite_migrations
from veracity.text import content_words, not_english

CHINESE = "芝加哥警察局表示，不会协助移民局的驱逐行动。芝加哥是一个庇护城市，市长表示将保护移民。"


@pytest.mark.parametrize("query, needle", [
    ("Sun-Times", "Sun-Times"), ("574.5", "574.5"), ("20,000", "20,000"), ("$574.5 million", "$574.5 million"),
    ("Chicago's sanctuary", "Chicago’s"), ("Welcoming City Ordinance", "Welcoming City Ordinance")])
@pytest.mark.parametrize("mode", ["lexical", "hybrid"])
def test_words_with_inner_punctuation_match(demo_engine, query, needle, mode):
    hits = demo_engine.search(query, mode=mode, limit=10)
    lexical = [h for h in hits if h.lexical_rank is not None]
    assert lexical, f"{query!r} matched nothing lexically"
    assert needle in lexical[0].passage.text


@pytest.fixture(scope="module")
def multilingual(demo_engine, tmp_path_factory) -> Engine:
    folder = tmp_path_factory.mktemp("zh")
    shutil.copy(demo_engine.settings.db, folder / "s.db")
    (folder / "zh.txt").write_text(CHINESE, encoding="utf-8")
    engine = Engine(Settings.load(db=folder / "s.db"))
    assert engine.ingest([folder / "zh.txt"]).added == 1
    return engine


def test_chinese_is_searchable_lexically(multilingual):
    for query in ("移民局", "驱逐行动", "芝加哥警察局是否与移民局合作？"):
        hits = multilingual.search(query, mode="lexical")
        assert hits and "移民局" in hits[0].passage.text, query


def test_a_chinese_question_is_checked_with_a_note_that_the_models_read_english(multilingual):
    report = multilingual.check("芝加哥警察局是否与移民局合作？", save=False)
    notes = [f for f in report.failures if "English" in f.message]
    assert len(notes) >= 1 and notes[0].stage == "plan"
    assert "芝加哥警察局是否与移民局合作" in report.queries[0]


def test_an_english_question_gets_no_language_note(demo_engine):
    report = demo_engine.check("Did Chicago cooperate with ICE?", save=False)
    assert not [f for f in report.failures if "English" in f.message]


def test_accents_are_kept_in_queries():
    german = plan("Hat die Chicagoer Polizei mit der Einwanderungsbehörde zusammengearbeitet?")
    spanish = plan("¿Cooperó la policía de Chicago con ICE?")
    assert any("Einwanderungsbehörde" in q.split() for q in german.queries[1:])
    assert any("policía" in q.split() for q in spanish.queries[1:]) and any("Cooperó" in q for q in spanish.queries)
    assert "Einwanderungsbeh" not in " ".join(q for q in german.queries if "Einwanderungsbehörde" not in q)
    assert content_words("Die Einwanderungsbehörde, ¿la policía?") == ["Die", "Einwanderungsbehörde", "la", "policía"]


def test_language_detection():
    assert not_english("芝加哥警察局是否与移民局合作？")
    assert not_english("Hat die Chicagoer Polizei mit der Einwanderungsbehörde zusammengearbeitet?")
    assert not_english("¿Cooperó la policía de Chicago con el ICE en las deportaciones?")
    assert not not_english("Did Chicago cooperate with ICE?")
    assert not not_english("Did the mayor of San José open the new café on Calle del Sol?")


@pytest.mark.parametrize("language, text", [
    ("Polish", "Czy policja w Chicago współpracowała z ICE przy deportacjach?"),
    ("Polish", "Burmistrz otworzył nowy most w 1937 roku."),
    ("Swedish", "Samarbetade polisen i Chicago med ICE vid utvisningarna?"),
    ("Swedish", "Borgmästaren öppnade den nya bron 1937."),
    ("Indonesian", "Apakah polisi Chicago bekerja sama dengan ICE dalam deportasi?"),
    ("Indonesian", "Wali kota membuka jembatan baru pada tahun 1937."),
    ("Turkish", "Chicago polisi sınır dışı etmelerde ICE ile işbirliği yaptı mı?"),
    ("Turkish", "Belediye başkanı yeni köprüyü 1937'de açtı."),
    ("Vietnamese", "Cảnh sát Chicago có hợp tác với ICE trong việc trục xuất không?"),
    ("Vietnamese", "Thị trưởng đã khánh thành cây cầu mới vào năm 1937."),
    ("French", "La police de Chicago a-t-elle coopéré avec l'ICE ?"),
    ("Dutch", "Heeft de politie van Chicago samengewerkt met ICE?"),
])
def test_languages_the_word_lists_missed_are_not_english(language, text):
    """Issue 24, item 30: a language identifier (py3langid), not a list of German, Spanish ... function words."""
    assert not_english(text), language


def test_short_english_sentences_full_of_names_stay_english():
    """English claims the identifier alone reads as another language (Afrikaans, Latin, Nigerian Pidgin)."""
    for text in ("Angelsberg is in Canada .", "Basildon is in England .", "The Colosseum is in Italy .",
                 "Sidse Babett Knudsen was born on October 22nd , 1968 .", "Kendall Jenner is Instagram .",
                 "Was ICE in Chicago?", "Did Trump win?", "Is the sky blue?", "Did the Sun-Times report 574.5 million?",
                 "Paul Nicholls played Sam Casey in Law & Order : UK ."):
        assert not not_english(text), text


def test_m006_indexes_the_unspaced_passages_of_an_existing_store(multilingual, tmp_path):
    copy = tmp_path / "old.db"
    shutil.copy(multilingual.settings.db, copy)
    import sqlite3

    db = sqlite3.connect(copy)  # back to how a store written before m003 looks
    db.execute("DROP TABLE passages_cjk")
    db.execute("DELETE FROM migrations WHERE name = 'm006_unspaced_scripts'")
    db.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    engine = Engine(Settings.load(db=copy))
    assert "m006_unspaced_scripts" in sqlite_migrations.applied(engine.store.db)
    hits = engine.search("驱逐行动", mode="lexical")
    assert hits and "驱逐行动" in hits[0].passage.text
    indexed = engine.store.db.execute("SELECT COUNT(*) FROM passages_cjk").fetchone()[0]
    assert indexed == 1  # only the passage in an unspaced script
