package kz.qorgau.app.data

import android.content.Context
import android.content.res.Configuration
import kz.qorgau.core.UiLanguage

/** The UI language for [kz.qorgau.core.ErrorMessages]: the app's locale (per-app on Android 13+). */
fun Context.uiLanguage(): UiLanguage = resources.configuration.uiLanguage()

fun Configuration.uiLanguage(): UiLanguage = uiLanguageOf(if (locales.isEmpty) "" else locales[0].language)

fun uiLanguageOf(languageTag: String): UiLanguage = when (languageTag.substringBefore('-').lowercase()) {
    "kk" -> UiLanguage.KK
    "ru" -> UiLanguage.RU
    else -> UiLanguage.EN
}
