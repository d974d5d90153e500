import Foundation
import QorgauFFI

/// A failure as the officer sees it: `QorgauError` (or any other error) mapped to a message in
/// Kazakh, Russian or English.
///
/// The generated `QorgauError` already conforms to `LocalizedError` (its description is a debug
/// dump), so the user-facing mapping lives in this wrapper. `technicalDetail` keeps the core's
/// English message for logs; like the core's errors, it never holds names, IINs, addresses,
/// statement text or keys.
public struct QorgauAppError: LocalizedError, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A field was refused; `field` is the core's field name ("iin", "full_name", ...).
        case invalidInput(field: String)
        case badMedia
        case notFound
        case conflict
        case wrongKey
        case integrity
        case profile
        case storage
        /// A protection order's QR code was refused.
        case invalidQr
        /// A registry file from the police station was refused.
        case invalidRegistry
        /// The acting profile's role may not do this.
        case permissionDenied
        /// A wrong PIN; `attemptsLeft` before the profile locks.
        case wrongPin(attemptsLeft: UInt32)
        /// Too many wrong PINs: locked until `until` (RFC 3339).
        case profileLocked(until: String)
        case cancelled
        case keyStore
        case io
        case `internal`
    }

    public let kind: Kind
    public let language: Language
    /// The core's message (English, free of personal data), for logs and bug reports.
    public let technicalDetail: String

    public init(kind: Kind, language: Language, technicalDetail: String = "") {
        self.kind = kind
        self.language = language
        self.technicalDetail = technicalDetail
    }

    /// Maps any error from the bindings (or elsewhere) to what the officer is shown.
    public init(_ error: Error, language: Language) {
        if let e = error as? QorgauAppError {
            self = e.localized(language)
            return
        }
        guard let q = error as? QorgauError else {
            if let k = error as? KeyStoreError {
                switch k {
                case .WrongKey: self.init(kind: .wrongKey, language: language, technicalDetail: "wrong key")
                case let .Unavailable(message): self.init(kind: .keyStore, language: language, technicalDetail: message)
                }
                return
            }
            // UniffiInternalError (a mismatch of bindings and library) and anything unexpected.
            self.init(kind: .internal, language: language, technicalDetail: String(describing: error))
            return
        }
        switch q {
        case let .InvalidInput(field, message): self.init(kind: .invalidInput(field: field), language: language, technicalDetail: message)
        case let .BadMedia(message): self.init(kind: .badMedia, language: language, technicalDetail: message)
        case let .NotFound(message): self.init(kind: .notFound, language: language, technicalDetail: message)
        case let .Conflict(message): self.init(kind: .conflict, language: language, technicalDetail: message)
        case let .WrongKey(message): self.init(kind: .wrongKey, language: language, technicalDetail: message)
        case let .Integrity(message): self.init(kind: .integrity, language: language, technicalDetail: message)
        case let .NotInitialised(message), let .AlreadyInitialised(message): self.init(kind: .profile, language: language, technicalDetail: message)
        case let .Storage(message): self.init(kind: .storage, language: language, technicalDetail: message)
        case let .InvalidQr(message): self.init(kind: .invalidQr, language: language, technicalDetail: message)
        case let .InvalidRegistry(message): self.init(kind: .invalidRegistry, language: language, technicalDetail: message)
        case let .PermissionDenied(message): self.init(kind: .permissionDenied, language: language, technicalDetail: message)
        case let .WrongPin(attemptsLeft, message): self.init(kind: .wrongPin(attemptsLeft: attemptsLeft), language: language, technicalDetail: message)
        case let .ProfileLocked(until, message): self.init(kind: .profileLocked(until: until), language: language, technicalDetail: message)
        case .Cancelled: self.init(kind: .cancelled, language: language, technicalDetail: "cancelled")
        case let .KeyStore(message): self.init(kind: .keyStore, language: language, technicalDetail: message)
        case let .Io(message): self.init(kind: .io, language: language, technicalDetail: message)
        case let .Internal(message): self.init(kind: .internal, language: language, technicalDetail: message)
        }
    }

    /// The same error in another language.
    public func localized(_ language: Language) -> QorgauAppError {
        QorgauAppError(kind: kind, language: language, technicalDetail: technicalDetail)
    }

    /// The message for the officer.
    public var message: String { UserMessages.message(for: self) }

    public var errorDescription: String? { message }

    /// True for the security failures that must not be dismissed lightly.
    public var isSecurityFailure: Bool {
        switch kind {
        case .wrongKey, .integrity, .profileLocked: return true
        default: return false
        }
    }

    /// The field to highlight in a form, if any.
    public var field: String? {
        if case let .invalidInput(field) = kind { return field }
        return nil
    }
}

extension QorgauError {
    /// The message for the officer in `language`.
    public func userMessage(_ language: Language) -> String {
        QorgauAppError(self, language: language).message
    }
}

/// The message tables (kk / ru / en). Kept in code, not in a strings file, so that the mapping is
/// compiled and tested on Linux as well; the app's own UI strings are in Localizable.strings.
enum UserMessages {
    struct Text {
        let kk: String
        let ru: String
        let en: String
        func callAsFunction(_ l: Language) -> String {
            switch l {
            case .kk: return kk
            case .ru: return ru
            case .en: return en
            }
        }
    }

    static func message(for e: QorgauAppError) -> String {
        let l = e.language
        switch e.kind {
        case let .invalidInput(field):
            if field == "iin" { return iinMessage(e.technicalDetail)(l) }
            if let specific = specificInputMessage(field: field, detail: e.technicalDetail) { return specific(l) }
            let label = fieldLabel(field)?(l) ?? field
            return Text(kk: "Мына өрісті тексеріңіз: \(label).",
                        ru: "Проверьте поле: \(label).",
                        en: "Please check: \(label).")(l)
        case .badMedia:
            return Text(kk: "Бұл файл фото, бейне немесе аудиожазба ретінде жарамайды (бос, бүлінген, басқа түрдегі немесе тым үлкен).",
                        ru: "Этот файл не подходит как фото, видео или аудиозапись (пустой, повреждён, другого типа или слишком большой).",
                        en: "This file is not a usable photo, video or audio recording (empty, damaged, of another kind or too large).")(l)
        case .notFound:
            return Text(kk: "Бұл жазба құрылғыдан табылмады.",
                        ru: "Запись не найдена на устройстве.",
                        en: "This record was not found on the device.")(l)
        case .conflict:
            return Text(kk: "Бұл әрекетке қазір рұқсат жоқ.",
                        ru: "Это действие сейчас недоступно.",
                        en: "This action is not allowed now.")(l)
        case .wrongKey:
            return Text(kk: "Бұл құрылғының кілті қойманы аша алмайды. Ештеңе өзгертілген жоқ. Бөлімше әкімшісіне хабарласыңыз.",
                        ru: "Ключ этого устройства не открывает хранилище. Ничего не изменено. Обратитесь к администратору подразделения.",
                        en: "This device's key cannot unlock the store. Nothing was changed. Contact your unit's administrator.")(l)
        case .integrity:
            return Text(kk: "Сақталған деректер тұтастық тексерісінен өтпеді: олар өзгертілген болуы мүмкін. Бұл туралы дереу хабарлаңыз.",
                        ru: "Сохранённые данные не прошли проверку целостности: возможно, они изменены. Немедленно сообщите об этом.",
                        en: "Stored data failed an integrity check: it may have been altered. Report this at once.")(l)
        case .profile:
            return Text(kk: "Құрылғы профилі жоқ немесе бұрыннан құрылған.",
                        ru: "Профиль устройства отсутствует или уже создан.",
                        en: "The device profile is missing or already set up.")(l)
        case .storage:
            return Text(kk: "Құрылғыдағы қойма оқылмайды (бүлінген немесе қосымшаның жаңа нұсқасымен жасалған).",
                        ru: "Хранилище на устройстве не читается (повреждено или создано более новой версией приложения).",
                        en: "The store on this device cannot be read (damaged, or written by a newer version of the app).")(l)
        case .invalidQr:
            return Text(kk: "Қорғау нұсқамасының QR-коды жарамсыз (бүлінген, өзгертілген, мерзімі өткен, кері қайтарылған немесе белгісіз орган берген). Нұсқаманы басқа жолмен тексеріңіз.",
                        ru: "QR-код защитного предписания недействителен (повреждён, изменён, просрочен, отозван или выдан неизвестным органом). Проверьте предписание другим способом.",
                        en: "This protection order's QR code is not valid (damaged, altered, expired, revoked or from an unknown issuer). Check the order another way.")(l)
        case .invalidRegistry:
            return Text(kk: "Полиция бөлімінен келген тізілім файлы қабылданбады. Ештеңе өзгертілген жоқ.",
                        ru: "Файл реестра из отдела полиции отклонён. Ничего не изменено.",
                        en: "The registry file from the police station was refused. Nothing was changed.")(l)
        case .permissionDenied:
            return Text(kk: "Сіздің рөліңіз бұл әрекетке рұқсат бермейді.",
                        ru: "Ваша роль не позволяет выполнить это действие.",
                        en: "Your role does not allow this action.")(l)
        case let .wrongPin(left):
            return Text(kk: "PIN-код қате. Қалған әрекет саны: \(left).",
                        ru: "Неверный PIN-код. Осталось попыток: \(left).",
                        en: "Wrong PIN. Attempts left: \(left).")(l)
        case let .profileLocked(until):
            let when = localTime(until, l)
            return Text(kk: "PIN-код тым көп рет қате енгізілді. Профиль \(when) дейін бұғатталды.",
                        ru: "Слишком много неверных PIN-кодов. Профиль заблокирован до \(when).",
                        en: "Too many wrong PINs. The profile is locked until \(when).")(l)
        case .cancelled:
            return Text(kk: "Тоқтатылды. Ештеңе сақталған жоқ.",
                        ru: "Отменено. Ничего не сохранено.",
                        en: "Cancelled. Nothing was saved.")(l)
        case .keyStore:
            return Text(kk: "Құрылғының кілт қоймасы қолжетімсіз (құрылғы құлыптаулы ма?). Қайталап көріңіз.",
                        ru: "Хранилище ключей устройства недоступно (устройство заблокировано?). Повторите попытку.",
                        en: "The device key store is unavailable (is the device locked?). Try again.")(l)
        case .io:
            return Text(kk: "Құрылғы деректерді оқи немесе жаза алмады (жады толып қалған жоқ па?).",
                        ru: "Не удалось прочитать или записать данные (не заполнена ли память?).",
                        en: "The device could not read or write data (is the storage full?).")(l)
        case .internal:
            return Text(kk: "Қосымшаның ішкі қатесі. Уақытын көрсетіп, бұл туралы хабарлаңыз.",
                        ru: "Внутренняя ошибка приложения. Сообщите о ней, указав время.",
                        en: "Internal error in the app. Please report it with the time it happened.")(l)
        }
    }

    /// An RFC 3339 instant as local date and time in the language's conventions (as given if unparsable).
    static func localTime(_ rfc3339: String, _ l: Language) -> String {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = parser.date(from: rfc3339) ?? plain.date(from: rfc3339) else { return rfc3339 }
        let f = DateFormatter()
        f.locale = Locale(identifier: l == .kk ? "kk_KZ" : l == .ru ? "ru_RU" : "en_GB")
        f.dateStyle = .short
        f.timeStyle = .short
        return f.string(from: date)
    }

    /// The core names the IIN problem only in its English message; these match its wording
    /// (core/src/iin.rs). Anything else gets the general message.
    static func iinMessage(_ detail: String) -> Text {
        if detail.contains("exactly 12 digits") {
            return Text(kk: "ЖСН дәл 12 цифрдан тұрады.",
                        ru: "ИИН состоит ровно из 12 цифр.",
                        en: "An IIN has exactly 12 digits.")
        }
        if detail.contains("digit 7") {
            return Text(kk: "ЖСН-нің 7-цифры (ғасыр мен жыныс) 1-ден 6-ға дейін болуы керек.",
                        ru: "7-я цифра ИИН (век и пол) должна быть от 1 до 6.",
                        en: "The 7th digit of an IIN (century and sex) must be 1 to 6.")
        }
        if detail.contains("birth date") {
            return Text(kk: "Бұл ЖСН-де көрсетілген туған күн жарамсыз.",
                        ru: "Дата рождения в этом ИИН невозможна.",
                        en: "The birth date in this IIN does not exist.")
        }
        if detail.contains("check digit") {
            return Text(kk: "ЖСН-нің бақылау цифры сәйкес келмейді: қате терілмегенін тексеріңіз.",
                        ru: "Контрольная цифра ИИН не совпадает: проверьте, нет ли опечатки.",
                        en: "The IIN's check digit does not match: check for a typo.")
        }
        return Text(kk: "ЖСН жарамсыз.", ru: "ИИН недействителен.", en: "This IIN is not valid.")
    }

    static func specificInputMessage(field: String, detail: String) -> Text? {
        switch field {
        case "text":
            return Text(kk: "Түсініктеме мәтіні бос. Адам түсініктеме беруден бас тартса, бас тартуды тіркеңіз.",
                        ru: "Текст показаний пуст. Если человек отказался давать показания, зарегистрируйте отказ.",
                        en: "The statement is empty. If the person declined, record a refusal instead.")
        case "location":
            return Text(kk: "GPS координаттарын немесе мекенжайды көрсетіңіз.",
                        ru: "Укажите GPS-координаты или адрес.",
                        en: "Give a GPS position or an address.")
        case "identity_protected":
            return Text(kk: "Тек куәгердің жеке басын қорғауға болады.",
                        ru: "Защитить личность можно только у свидетеля.",
                        en: "Only a witness's identity can be protected.")
        case "date_of_birth" where detail.contains("IIN"):
            return Text(kk: "Туған күні ЖСН-дегі күнмен сәйкес келмейді.",
                        ru: "Дата рождения не совпадает с датой в ИИН.",
                        en: "The date of birth does not match the one in the IIN.")
        default:
            return nil
        }
    }

    static func fieldLabel(_ field: String) -> Text? {
        switch field {
        case "iin": return Text(kk: "ЖСН", ru: "ИИН", en: "IIN")
        case "full_name": return Text(kk: "толық аты-жөні", ru: "ФИО", en: "full name")
        case "date_of_birth": return Text(kk: "туған күні", ru: "дата рождения", en: "date of birth")
        case "identity_protected": return Text(kk: "жеке басын қорғау", ru: "защита личности", en: "identity protection")
        case "location": return Text(kk: "оқиға орны", ru: "место", en: "location")
        case "team": return Text(kk: "жедел топ құрамы (аты-жөні мен төсбелгі нөмірі)", ru: "состав группы (ФИО и номер жетона)", en: "response team (name and badge number)")
        case "latitude", "longitude", "accuracy": return Text(kk: "GPS координаттары", ru: "GPS-координаты", en: "GPS position")
        case "text": return Text(kk: "түсініктеме мәтіні", ru: "текст показаний", en: "statement text")
        case "language": return Text(kk: "тіл", ru: "язык", en: "language")
        case "officer": return Text(kk: "қызметкер (аты-жөні мен төсбелгі нөмірі)", ru: "сотрудник (ФИО и номер жетона)", en: "officer (name and badge number)")
        case "taken_by": return Text(kk: "қабылдаған қызметкердің төсбелгі нөмірі", ru: "номер жетона принявшего сотрудника", en: "badge number of who took it")
        case "purpose": return Text(kk: "мақсаты", ru: "цель", en: "purpose")
        case "signature": return Text(kk: "қолы", ru: "подпись", en: "signature")
        case "platform_thumbnail": return Text(kk: "алдын ала көрініс", ru: "превью", en: "preview")
        default: return nil
        }
    }
}
