package kz.qorgau.app.model

import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.Band
import kz.qorgau.ffi.Instrument
import kz.qorgau.ffi.Language
import kz.qorgau.ffi.OrderRules
import kz.qorgau.ffi.Texts

// Wording that comes from the core's data (the order rule table, risk instruments) in the
// three UI languages, picked for the language the officer uses. Nothing here is translated by
// the app: legal and clinical wording stays the core's.

fun Texts.pick(lang: UiLanguage): String = when (lang) {
    UiLanguage.KK -> kk
    UiLanguage.RU -> ru
    UiLanguage.EN -> en
}.ifBlank { en }

fun UiLanguage.asLanguage(): Language = when (this) {
    UiLanguage.KK -> Language.KK
    UiLanguage.RU -> Language.RU
    UiLanguage.EN -> Language.EN
}

/** A prohibition's wording in [lang]; an unknown code (a newer rule table) as the code itself. */
fun OrderRules.prohibitionText(code: String, lang: UiLanguage): String =
    prohibitions.firstOrNull { it.code == code }?.text?.pick(lang) ?: code

/** A level code of [instrument] as its label in [lang] ("medium" → "Орташа"). */
fun Instrument.levelLabel(level: String, lang: UiLanguage): String =
    bands.firstOrNull { it.level == level }?.label?.pick(lang) ?: level

fun List<Instrument>.band(instrumentId: String, level: String): Band? =
    filter { it.id == instrumentId }.flatMap { it.bands }.firstOrNull { it.level == level }
