"""Return dates and follow-up dates in the languages and formats away notices and replies use."""

from __future__ import annotations

from datetime import date

import pytest

from agent.replies.dates import dates_in, easter, follow_up_date, return_date

TODAY = date(2026, 11, 23)  # a Monday


class TestReturnDate:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("back on 2026-12-02", date(2026, 12, 2)),
            ("returning December 2", date(2026, 12, 2)),
            ("back on the 2nd of December", date(2026, 12, 2)),
            ("back 12/02", date(2026, 12, 2)),  # a slash: month first
            ("zurück am 02.12.2026", date(2026, 12, 2)),  # dots: day first
            ("back on January 4", date(2027, 1, 4)),  # the next January
            ("back next Monday", date(2026, 11, 30)),
            ("back tomorrow", date(2026, 11, 24)),
            ("out of office", None),
            ("back on February 30", None),
        ],
    )
    def test_the_return_date_is_the_latest_date_ahead(self, text: str, expected: date | None) -> None:
        assert return_date(text, TODAY) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Estaré fuera de la oficina hasta el 14 de diciembre inclusive.", date(2026, 12, 15)),
            ("De vacaciones. Regreso el lunes 7 de diciembre.", date(2026, 12, 7)),
            ("Ich bin bis einschließlich 04.12. nicht im Büro.", date(2026, 12, 5)),
            ("I'm away through Friday 4 December.", date(2026, 12, 5)),  # through: back the day after
            ("On parental leave until 2027-04-12, back on 2027-04-13.", date(2027, 4, 13)),
        ],
    )
    def test_away_notices_in_other_languages_and_inclusive_last_days(
        self, text: str, expected: date | None
    ) -> None:
        assert return_date(text, TODAY, day_first=True) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("I'm on leave from 1 to 4 December inclusive.", date(2026, 12, 5)),
            ("Out of office December 1-4.", date(2026, 12, 5)),
            ("Away 1-4 December with limited email.", date(2026, 12, 5)),
            ("Estaré fuera del 30 de noviembre al 4 de diciembre.", date(2026, 12, 5)),
            ("Sono in ferie dal 1 al 4 dicembre.", date(2026, 12, 5)),
            ("Je suis absent du 1er au 4 décembre.", date(2026, 12, 5)),
            ("Ich bin vom 1. bis 4. Dezember im Urlaub.", date(2026, 12, 5)),
            ("Estou de férias de 1 a 4 de dezembro.", date(2026, 12, 5)),
            ("Closed from 12/24 to 1/3.", date(2027, 1, 4)),
            ("Away from Nov 30 until Dec 4, 2026.", date(2026, 12, 5)),
        ],
    )
    def test_a_range_ends_on_the_last_day_away(self, text: str, expected: date) -> None:
        assert return_date(text, TODAY, day_first=not text.startswith(("I'm", "Out", "Away", "Closed"))) == (
            expected
        )

    @pytest.mark.parametrize(
        ("text", "day_first", "expected"),
        [
            # Unqualified "until" is the last day away, as the labelled corpus reads it.
            ("I'm away until 4 December.", False, date(2026, 12, 5)),
            ("Je suis absente jusqu'au 3 décembre.", True, date(2026, 12, 4)),
            ("Estou de férias até 5 de dezembro.", True, date(2026, 12, 6)),
            ("Sono fuori ufficio fino al 9 dicembre.", True, date(2026, 12, 10)),
            ("Away till 11/30.", False, date(2026, 12, 1)),
            ("Fino al 30/11 compreso.", True, date(2026, 12, 1)),
            # A day named by name is the day back.
            ("I'm away until Friday.", False, date(2026, 11, 27)),
            ("Out of the office until Monday 7 December.", False, date(2026, 12, 7)),
            ("De vacaciones hasta mañana.", True, date(2026, 11, 24)),
            # A negated until is the day it starts.
            ("I will not be back until 4 December.", False, date(2026, 12, 4)),
            (
                "Ich bin bis zum 3. Dezember nicht im Büro. Ab dem 7. Dezember bin ich wieder da.",
                True,
                date(2026, 12, 7),
            ),
        ],
    )
    def test_until(self, text: str, day_first: bool, expected: date) -> None:
        assert return_date(text, TODAY, day_first=day_first) == expected

    @pytest.mark.parametrize(
        ("text", "day_first", "expected"),
        [
            ("Back on the 2nd.", False, date(2026, 12, 2)),
            ("Returning the 20th, emails not forwarded.", False, date(2026, 12, 20)),
            ("Regreso el 2.", True, date(2026, 12, 2)),
            ("Responderé a partir del día 3.", True, date(2026, 12, 3)),
            ("Estou de férias até dia 2, com acesso limitado.", True, date(2026, 12, 3)),
            ("Volto dia 2.", True, date(2026, 12, 2)),
            ("Rientro il 2.", True, date(2026, 12, 2)),
            ("De retour le 2.", True, date(2026, 12, 2)),
            ("Ab dem 2. wieder im Büro.", True, date(2026, 12, 2)),
            ("Back on Monday the 7th.", False, date(2026, 12, 7)),  # the next 7th that is a Monday
            ("Away from 3 March, back on the 14th.", False, date(2027, 3, 14)),  # after the date just named
            ("Back on the 23rd.", False, date(2026, 12, 23)),  # said on the 23rd: the next one
        ],
    )
    def test_a_bare_day_with_a_return_word_is_the_next_such_day(
        self, text: str, day_first: bool, expected: date
    ) -> None:
        assert return_date(text, TODAY, day_first=day_first) == expected

    @pytest.mark.parametrize(
        ("text", "day_first", "expected"),
        [
            ("Volto na segunda-feira.", True, date(2026, 11, 30)),
            ("Volto na segunda.", True, date(2026, 11, 30)),
            ("Zurück am Mittwoch.", True, date(2026, 11, 25)),
            ("Je serai de retour jeudi.", True, date(2026, 11, 26)),
            ("At a course today and tomorrow, back Wed.", False, date(2026, 11, 25)),
            ("Out Monday for the holiday, back in the office Tuesday.", False, date(2026, 11, 24)),
            ("Back next week.", False, date(2026, 11, 30)),
            ("Away for two weeks.", False, date(2026, 12, 7)),
        ],
    )
    def test_weekdays_and_relative_days(self, text: str, day_first: bool, expected: date) -> None:
        assert return_date(text, TODAY, day_first=day_first) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "Out of the office until further notice.",
            "I'll return sometime in early December.",  # too rough to pause on
            "Back in January.",
            "Away for about two weeks.",
            "Out of office. The meeting takes 1.5 hours; call the 24/7 line.",
            "Out of office, release v2.1 attached.",
            "Wishing you a happy Christmas!",  # a holiday said with nothing around it
        ],
    )
    def test_rough_or_no_return_is_none(self, text: str) -> None:
        assert return_date(text, TODAY) is None

    @pytest.mark.parametrize(
        "text",
        [
            "Fuera de la oficina hasta el 3 de noviembre.",  # a stale notice, not next November
            "I was away from 10 to 20 November.",
            "Back on 2026-11-20.",
            "Back on 2031-12-31.",  # beyond the horizon
        ],
    )
    def test_never_a_date_before_today_nor_far_ahead(self, text: str) -> None:
        assert return_date(text, TODAY, day_first=True) is None

    def test_a_day_month_date_follows_the_language(self) -> None:
        assert return_date("vuelvo el 03/12", TODAY, day_first=True) == date(2026, 12, 3)
        assert return_date("back 03/12", TODAY) == date(2027, 3, 12)

    def test_ordinary_words_are_not_dates(self) -> None:
        assert return_date("I sat down, may be out, mar de dudas", TODAY) is None


class TestFollowUpDate:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Not now, try me in March.", date(2027, 3, 1)),
            ("Escríbeme en septiembre, por favor.", date(2027, 9, 1)),
            ("Check back after the 15th of January.", date(2027, 1, 16)),  # after: the day after
            ("Reach out again in two weeks.", date(2026, 12, 7)),
            ("Maybe later.", None),
        ],
    )
    def test_the_first_day_they_name(self, text: str, expected: date | None) -> None:
        assert follow_up_date(text, TODAY) == expected

    @pytest.mark.parametrize(
        ("text", "day_first", "expected"),
        [
            ("Ping me after the 10th.", False, date(2026, 12, 11)),
            ("Mándame mensaje después del 10.", True, date(2026, 12, 11)),
            ("Richiamami dopo il 10 dicembre.", True, date(2026, 12, 11)),
            ("Rappelez-moi après le 10 décembre.", True, date(2026, 12, 11)),
            ("Melden Sie sich nach dem 10. Dezember.", True, date(2026, 12, 11)),
            ("Me liga depois do dia 10.", True, date(2026, 12, 11)),
            ("Ping me after the board meeting on the 9th.", False, date(2026, 12, 10)),
            ("We're swamped until the 5th, text me after.", False, date(2026, 12, 6)),
            ("Ando de viaje hasta el 5, luego hablamos.", True, date(2026, 12, 6)),
            ("We sign the lease on 30 December. Let's talk after that.", False, date(2026, 12, 31)),
            (
                "Wait till my bonus lands on the 1st of next month, then send it again.",
                False,
                date(2026, 12, 1),
            ),
        ],
    )
    def test_after_and_until_give_the_day_after(self, text: str, day_first: bool, expected: date) -> None:
        assert follow_up_date(text, TODAY, day_first=day_first) == expected

    @pytest.mark.parametrize(
        ("text", "day_first", "expected"),
        [
            ("Try me next week.", False, date(2026, 11, 30)),
            ("Háblame la semana que viene.", True, date(2026, 11, 30)),
            ("Me chama semana que vem.", True, date(2026, 11, 30)),
            ("Rappelez-moi la semaine prochaine.", True, date(2026, 11, 30)),
            ("Sentiamoci la prossima settimana.", True, date(2026, 11, 30)),
            ("Rufen Sie nächste Woche an.", True, date(2026, 11, 30)),
            ("Try me the week after next.", False, date(2026, 12, 7)),
            ("Call me tomorrow.", False, date(2026, 11, 24)),
            ("Llámame mañana.", True, date(2026, 11, 24)),
            ("Text me on Friday.", False, date(2026, 11, 27)),
            ("Check back in 3 weeks.", False, date(2026, 12, 14)),
            ("Escríbeme en dos semanas.", True, date(2026, 12, 7)),
            ("Send it again in 6 months.", False, date(2027, 5, 23)),
        ],
    )
    def test_relative_times(self, text: str, day_first: bool, expected: date) -> None:
        assert follow_up_date(text, TODAY, day_first=day_first) == expected

    @pytest.mark.parametrize(
        ("text", "day_first", "expected"),
        [
            ("Next month works.", False, date(2026, 12, 1)),
            ("Escríbeme el mes que viene.", True, date(2026, 12, 1)),
            ("Hablamos el mes que entra.", True, date(2026, 12, 1)),
            ("Le mois prochain, recontactez-moi.", True, date(2026, 12, 1)),
            ("Ne riparliamo il mese prossimo.", True, date(2026, 12, 1)),
            ("Text me the first week of next month.", False, date(2026, 12, 1)),
            ("Next quarter please.", False, date(2027, 1, 1)),
            ("Check back in Q2.", False, date(2027, 4, 1)),
            ("Contáctame en el Q3.", True, date(2027, 7, 1)),
            ("Reach back out in Q1, say mid-February.", False, date(2027, 2, 15)),  # the finer one
            ("Escríbeme a mediados de febrero.", True, date(2027, 2, 15)),
            ("Try me early March.", False, date(2027, 3, 1)),
            ("Llámame a principios de marzo.", True, date(2027, 3, 1)),
            ("Recontactez-moi début mars.", True, date(2027, 3, 1)),
            ("Melden Sie sich Anfang März.", True, date(2027, 3, 1)),
            ("Put it on your calendar for late January.", False, date(2027, 1, 20)),
            ("Text me at the end of the month.", False, date(2026, 11, 30)),
            ("Check back in January.", False, date(2027, 1, 1)),
            ("Me procura em março.", True, date(2027, 3, 1)),
            ("Mi risenta a febbraio.", True, date(2027, 2, 1)),
        ],
    )
    def test_months_quarters_and_parts_of_months(self, text: str, day_first: bool, expected: date) -> None:
        assert follow_up_date(text, TODAY, day_first=day_first) == expected

    @pytest.mark.parametrize(
        ("text", "day_first", "expected"),
        [
            ("Let's talk after Christmas.", False, date(2026, 12, 26)),
            ("Hablamos después de Reyes.", True, date(2027, 1, 7)),
            ("Escríbeme después de Semana Santa.", True, date(2027, 3, 29)),  # Easter 2027: 28 March
            ("Me chama depois do carnaval.", True, date(2027, 2, 11)),  # Ash Wednesday: 10 February
            ("Ping me after Easter.", False, date(2027, 3, 29)),
            ("Melden Sie sich nach Ostern.", True, date(2027, 3, 29)),
            ("Reach out after Labor Day.", False, date(2027, 9, 7)),
            ("Ask me again around Thanksgiving.", False, date(2026, 11, 26)),
        ],
    )
    def test_holidays(self, text: str, day_first: bool, expected: date) -> None:
        assert follow_up_date(text, TODAY, day_first=day_first) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            # The sentence that asks for contact wins over other dates.
            ("Our contract ends 31 March. Reach out in February.", date(2027, 2, 1)),
            ("The board meets on 4 December. Please contact me on 14 December.", date(2026, 12, 14)),
            # "Not until" and "until" an event: the day itself.
            ("My son isn't 16 until 4 December, so get in touch then.", date(2026, 12, 4)),
            ("Please call me on 14 December and I'll let you know where we stand.", date(2026, 12, 14)),
            # "then" points at the sentence before.
            ("Our new budget starts January 4th. Please reach out then.", date(2027, 1, 4)),
            # A hedge puts a time forward.
            ("Surgery is on the 3rd. Maybe the first week of January?", date(2027, 1, 1)),
            ("The exams end on the 11th. Perhaps February.", date(2027, 2, 1)),
        ],
    )
    def test_the_date_they_ask_for_wins(self, text: str, expected: date) -> None:
        assert follow_up_date(text, TODAY) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "Not now.",
            "Maybe next year.",
            "I'll call you next week.",  # they will call: no date is asked of us
            "Yo te aviso la próxima semana.",
            "Maybe after our move in January.",  # after an event in a month: no day
            "Check back in a couple of months.",
            "Try me in a month or so.",
            "Call me today.",
            "We met on the 3rd of November, call me whenever.",  # only past dates
        ],
    )
    def test_no_date_asked_is_none(self, text: str) -> None:
        assert follow_up_date(text, TODAY, day_first=True) is None


class TestHelpers:
    @pytest.mark.parametrize(
        ("year", "expected"),
        [
            (2024, date(2024, 3, 31)),
            (2025, date(2025, 4, 20)),
            (2026, date(2026, 4, 5)),
            (2027, date(2027, 3, 28)),
        ],
    )
    def test_easter_by_the_gregorian_computus(self, year: int, expected: date) -> None:
        assert easter(year) == expected

    def test_dates_in_lists_every_date_in_order(self) -> None:
        found = dates_in("Away 3 December, back Monday 7 December.", TODAY)
        assert [f.when for f in found] == [date(2026, 12, 3), date(2026, 12, 7)]
