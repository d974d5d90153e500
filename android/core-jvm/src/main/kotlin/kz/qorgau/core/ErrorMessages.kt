package kz.qorgau.core

import kz.qorgau.ffi.QorgauException

/** UI language. */
enum class UiLanguage { KK, RU, EN }

/**
 * What to tell an officer when something fails, in Kazakh, Russian or English. The core's
 * message (ids and field names only, never personal data) is kept as the detail.
 */
object ErrorMessages {
    fun headline(e: QorgauException, lang: UiLanguage): String {
        val key = when (e) {
            is QorgauException.InvalidInput -> "invalid_input"
            is QorgauException.BadMedia -> "bad_media"
            is QorgauException.NotFound -> "not_found"
            is QorgauException.Conflict -> "conflict"
            is QorgauException.WrongKey -> "wrong_key"
            is QorgauException.Integrity -> "integrity"
            is QorgauException.NotInitialised, is QorgauException.AlreadyInitialised -> "profile"
            is QorgauException.Storage -> "storage"
            is QorgauException.InvalidQr -> "invalid_qr"
            is QorgauException.InvalidRegistry -> "invalid_registry"
            is QorgauException.PermissionDenied -> "permission_denied"
            is QorgauException.WrongPin -> "wrong_pin"
            is QorgauException.ProfileLocked -> "profile_locked"
            is QorgauException.Sync -> "sync"
            is QorgauException.Cancelled -> "cancelled"
            is QorgauException.KeyStore -> "key_store"
            is QorgauException.Io -> "io"
            is QorgauException.Internal -> "internal"
        }
        return TEXTS.getValue(key).getValue(lang)
    }

    /**
     * A photo the core refused as damaged or cut short (BadMedia, "... it can be kept as damaged
     * evidence if the officer confirms"): the officer may keep it as it is, marked damaged, by
     * adding it again with `CaptureInfo.keepDamaged = true`. Other BadMedia refusals (not media,
     * wrong kind, too large) cannot be kept that way.
     */
    fun keepableAsDamaged(e: Throwable): Boolean =
        e is QorgauException.BadMedia && e.reason.contains("damaged evidence")

    private val TEXTS: Map<String, Map<UiLanguage, String>> = mapOf(
        "invalid_input" to mapOf(
            UiLanguage.KK to "Енгізілген дерек қате",
            UiLanguage.RU to "Неверные данные",
            UiLanguage.EN to "Invalid input",
        ),
        "bad_media" to mapOf(
            UiLanguage.KK to "Файл фото, бейне немесе аудио емес, не бүлінген",
            UiLanguage.RU to "Файл не является фото, видео или аудио, либо повреждён",
            UiLanguage.EN to "The file is not photo, video or audio, or is damaged",
        ),
        "not_found" to mapOf(
            UiLanguage.KK to "Жазба табылмады",
            UiLanguage.RU to "Запись не найдена",
            UiLanguage.EN to "Record not found",
        ),
        "conflict" to mapOf(
            UiLanguage.KK to "Бұл әрекетке рұқсат жоқ",
            UiLanguage.RU to "Это действие не разрешено",
            UiLanguage.EN to "This action is not allowed",
        ),
        "wrong_key" to mapOf(
            UiLanguage.KK to "Қойма бұл құрылғының кілтімен ашылмайды; ештеңе өзгертілмеді",
            UiLanguage.RU to "Хранилище не открывается ключом этого устройства; ничего не изменено",
            UiLanguage.EN to "This device's key cannot unlock the store; nothing was changed",
        ),
        "integrity" to mapOf(
            UiLanguage.KK to "Деректердің тұтастығы бұзылған",
            UiLanguage.RU to "Нарушена целостность данных",
            UiLanguage.EN to "Data integrity check failed",
        ),
        "profile" to mapOf(
            UiLanguage.KK to "Құрылғы профилі жоқ немесе бұрыннан бар",
            UiLanguage.RU to "Профиль устройства отсутствует или уже создан",
            UiLanguage.EN to "Device profile missing or already created",
        ),
        "storage" to mapOf(
            UiLanguage.KK to "Қойма файлы бүлінген немесе жаңа нұсқадан",
            UiLanguage.RU to "Файл хранилища повреждён или от более новой версии",
            UiLanguage.EN to "The store file is damaged or from a newer version",
        ),
        "invalid_qr" to mapOf(
            UiLanguage.KK to "Нұсқама коды жарамсыз: өзгертілген, мерзімі өткен немесе белгісіз құрылғыдан",
            UiLanguage.RU to "Код предписания недействителен: изменён, просрочен или от неизвестного устройства",
            UiLanguage.EN to "Order code not valid: altered, expired or from an unknown device",
        ),
        "invalid_registry" to mapOf(
            UiLanguage.KK to "Бекеттен келген тізілім қабылданбады; ештеңе өзгертілмеді",
            UiLanguage.RU to "Реестр от станции отклонён; ничего не изменено",
            UiLanguage.EN to "The station's registry was refused; nothing was changed",
        ),
        "permission_denied" to mapOf(
            UiLanguage.KK to "Бұл рөлге рұқсат жоқ (әрекет тіркелді)",
            UiLanguage.RU to "Для этой роли нет доступа (попытка записана)",
            UiLanguage.EN to "Not allowed for this role (the attempt is recorded)",
        ),
        "wrong_pin" to mapOf(
            UiLanguage.KK to "PIN-код қате",
            UiLanguage.RU to "Неверный PIN-код",
            UiLanguage.EN to "Wrong PIN",
        ),
        "profile_locked" to mapOf(
            UiLanguage.KK to "Профиль бірнеше қате PIN-кодтан кейін бұғатталды",
            UiLanguage.RU to "Профиль заблокирован после нескольких неверных PIN-кодов",
            UiLanguage.EN to "Profile locked after repeated wrong PINs",
        ),
        "sync" to mapOf(
            UiLanguage.KK to "Бекетпен синхрондау сәтсіз; барлық деректер құрылғыда сақталды",
            UiLanguage.RU to "Синхронизация со станцией не удалась; все данные сохранены на устройстве",
            UiLanguage.EN to "Sync with the station failed; everything is kept on the device",
        ),
        "cancelled" to mapOf(
            UiLanguage.KK to "Тоқтатылды",
            UiLanguage.RU to "Отменено",
            UiLanguage.EN to "Cancelled",
        ),
        "key_store" to mapOf(
            UiLanguage.KK to "Кілт қоймасы қолжетімсіз",
            UiLanguage.RU to "Хранилище ключей недоступно",
            UiLanguage.EN to "Key store unavailable",
        ),
        "io" to mapOf(
            UiLanguage.KK to "Жазу немесе оқу қатесі (жад толы ма?)",
            UiLanguage.RU to "Ошибка записи или чтения (память заполнена?)",
            UiLanguage.EN to "Read or write failure (storage full?)",
        ),
        "internal" to mapOf(
            UiLanguage.KK to "Ішкі қате; деректер сақталған",
            UiLanguage.RU to "Внутренняя ошибка; данные сохранены",
            UiLanguage.EN to "Internal error; saved data is intact",
        ),
    )
}
