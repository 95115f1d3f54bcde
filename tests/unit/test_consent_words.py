"""The consent engine's button scoring in ten languages: accept vs reject, traps, and the ranking rules."""

from __future__ import annotations

import pytest

from pixelaudit.consent_words import KINDS, LANGUAGES, normalize, phrases, score_button, words

# Per language: (accept buttons, reject buttons), as real banners write them.
BUTTONS = {
    "en": (["Accept all", "Accept All Cookies", "I agree", "OK", "Got it!", "Allow all"],
           ["Reject all", "Decline", "Only necessary", "Necessary cookies only", "Continue without accepting",
            "Do not accept", "I do not agree", "Accept only necessary cookies", "Disagree"]),
    "de": (["Alle akzeptieren", "Akzeptieren", "Zustimmen", "Alle Cookies akzeptieren", "Einverstanden"],
           ["Alle ablehnen", "Ablehnen", "Nur notwendige", "Nur notwendige Cookies akzeptieren", "Nicht akzeptieren",
            "Nicht einverstanden"]),
    "fr": (["Tout accepter", "Accepter", "J'accepte", "Accepter & fermer"],
           ["Tout refuser", "Refuser", "Continuer sans accepter →", "Ne pas accepter", "Je n'accepte pas"]),
    "es": (["Aceptar todo", "Aceptar", "Aceptar todas las cookies", "Acepto"],
           ["Rechazar todo", "Rechazar", "Solo necesarias", "No aceptar", "Continuar sin aceptar"]),
    "it": (["Accetta tutto", "Accetta", "Accetto", "Accetta tutti i cookie"],
           ["Rifiuta tutto", "Rifiuta", "Non accetto", "Continua senza accettare", "Solo necessari"]),
    "nl": (["Alles accepteren", "Accepteren", "Akkoord", "Ik ga akkoord"],
           ["Alles weigeren", "Weigeren", "Alleen noodzakelijke cookies", "Niet akkoord", "Ik ga niet akkoord"]),
    "pt": (["Aceitar tudo", "Aceitar", "Aceito", "Concordo"],
           ["Rejeitar tudo", "Rejeitar", "Não aceito", "Recusar", "Apenas necessários"]),
    "pl": (["Akceptuj wszystko", "Zaakceptuj", "Akceptuję", "Zgadzam się"],
           ["Odrzuć wszystko", "Odrzuć", "Nie akceptuję", "Nie zgadzam się", "Tylko niezbędne"]),
    "sv": (["Acceptera alla", "Godkänn", "Acceptera", "Tillåt alla"],
           ["Avvisa alla", "Neka", "Avböj", "Endast nödvändiga", "Godkänn inte"]),
    "da": (["Accepter alle", "Accepter", "Tillad alle", "Godkend"],
           ["Afvis alle", "Afvis", "Kun nødvendige", "Tillad kun nødvendige", "Accepter ikke"]),
}
SETTINGS = ["Settings", "Manage preferences", "Einstellungen", "Paramètres", "Configurar", "Impostazioni",
            "Instellingen", "Definições", "Ustawienia", "Inställningar", "Indstillinger", "Customise"]
SAVE = ["Save choices", "Confirm my choices", "Auswahl speichern", "Enregistrer mes choix", "Guardar preferencias",
        "Salva preferenze", "Voorkeuren opslaan", "Guardar preferências", "Zapisz wybór", "Spara val", "Gem valg"]
NEITHER = ["Subscribe", "Learn more", "More information", "Privacy policy", "Close", "Read our cookie policy", "",
           "Sign in", "Weiterlesen", "En savoir plus", "Más información", "Mehr erfahren"]


def test_every_language_is_covered():
    assert set(BUTTONS) == set(LANGUAGES)
    for language in LANGUAGES:
        for kind in KINDS:
            assert phrases(kind, language), (kind, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_accept_and_reject_buttons_in_each_language(language):
    accepts, rejects = BUTTONS[language]
    for text in accepts:
        assert score_button(text, "accept") > 0, text
        assert score_button(text, "reject") == 0, text
    for text in rejects:
        assert score_button(text, "reject") > 0, text
        assert score_button(text, "accept") == 0, text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_listed_phrase_reads_as_its_own_kind_only(language):
    for kind in ("accept", "reject"):
        other = "reject" if kind == "accept" else "accept"
        for phrase in phrases(kind, language):
            assert score_button(phrase, kind) >= 80, (kind, phrase)
            assert score_button(phrase, other) == 0, (kind, phrase)


@pytest.mark.parametrize("text", [*NEITHER, "Subscribe now"])
def test_other_buttons_are_neither(text):
    assert score_button(text, "accept") == 0
    assert score_button(text, "reject") == 0


def test_negations_are_reject_never_accept():
    for text in ("Do not accept", "Don't accept", "Nicht akzeptieren", "Ne pas accepter", "No aceptar",
                 "Non accettare", "Niet accepteren", "Não aceitar", "Nie akceptuję", "Acceptera inte",
                 "Accepter ikke", "I disagree"):
        assert score_button(text, "accept") == 0, text
        assert score_button(text, "reject") > 0, text
    assert score_button("Accept", "reject") == 0 and score_button("Reject", "accept") == 0


def test_all_variants_and_exact_phrases_win():
    assert score_button("Accept all", "accept") > score_button("Accept", "accept")
    assert score_button("Accept all cookies", "accept") > score_button("Accept", "accept")
    assert score_button("Reject all", "reject") > score_button("Reject", "reject")
    assert score_button("Alle ablehnen", "reject") > score_button("Ablehnen", "reject")
    assert score_button("Tout accepter", "accept") > score_button("Accepter", "accept")
    assert score_button("Accept", "accept") > score_button("Accept cookies and close this banner", "accept")
    # a whole-word match beats a bare substring (a German compound only contains "einstellungen")
    assert score_button("Cookie-Einstellungen", "settings") > score_button("Cookieeinstellungen", "settings") > 0


def test_settings_and_save_buttons_for_the_two_step_path():
    for text in SETTINGS:
        assert score_button(text, "settings") > 0, text
        assert score_button(text, "accept") == score_button(text, "reject") == 0, text
    for text in SAVE:
        assert score_button(text, "save") > 0, text
        assert score_button(text, "settings") == 0 and score_button(text, "accept") == 0, text
    assert score_button("Save and accept all", "save") == 0  # an accept in disguise is never "save"


def test_normalisation_ignores_case_spacing_and_punctuation():
    assert normalize("  ACCEPT\u00a0all!  ") == "accept all"
    assert normalize("J’accepte") == "j accepte"
    assert score_button("ACCEPT ALL", "accept") == score_button("accept all", "accept") == 100
    assert score_button("✓ Alle akzeptieren", "accept") == 100


def test_long_texts_are_not_buttons():
    paragraph = "We use cookies to measure visits; you can accept or reject them at any time in the settings page"
    assert score_button(paragraph, "accept") == 0 and score_button(paragraph, "reject") == 0


def test_unknown_kind_is_an_error_and_lists_are_normalised_once():
    with pytest.raises(ValueError, match="unknown button kind"):
        score_button("OK", "maybe")
    lists = words()
    assert "j accepte" in lists["buttons"]["accept"]["plain"] and "cookie" in lists["banner"]["strong"]
