package kz.qorgau.core

/** UI language. */
enum class UiLanguage { KK, RU, EN }
