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
        /// Talking to the station failed; everything stays on the device (outbox).
        case sync
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
        case let .Sync(message): self.init(kind: .sync, language: language, technicalDetail: message)
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

    /// A photo the core refused as damaged or cut short, which the officer may keep as damaged
    /// evidence (`CaptureInfo.keepDamaged`); core/src/media.rs words it so.
    public var isDamagedMedia: Bool {
        kind == .badMedia && technicalDetail.contains("damaged evidence")
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
            if e.isDamagedMedia {
                return Text(kk: "Бұл файл бүлінген немесе толық емес. Оны бүлінген айғақ ретінде сақтауға болады.",
                            ru: "Этот файл повреждён или обрезан. Его можно сохранить как повреждённое доказательство.",
                            en: "This file is damaged or cut short. It can be kept as damaged evidence.")(l)
            }
            return Text(kk: "Бұл файл фото, бейне немесе аудиожазба ретінде жарамайды (бос, бүлінген, басқа түрдегі немесе тым үлкен).",
                        ru: "Этот файл не подходит как фото, видео или аудиозапись (пустой, повреждён, другого типа или слишком большой).",
                        en: "This file is not a usable photo, video or audio recording (empty, damaged, of another kind or too large).")(l)
        case .notFound:
            return Text(kk: "Бұл жазба құрылғыдан табылмады.",
                        ru: "Запись не найдена на устройстве.",
                        en: "This record was not found on the device.")(l)
        case .conflict:
            if let specific = conflictMessage(e.technicalDetail) { return specific(l) }
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
            if let specific = qrMessage(e.technicalDetail) { return specific(l) }
            return Text(kk: "Қорғау нұсқамасының QR-коды жарамсыз (бүлінген, өзгертілген, мерзімі өткен, кері қайтарылған немесе белгісіз орган берген). Нұсқаманы басқа жолмен тексеріңіз.",
                        ru: "QR-код защитного предписания недействителен (повреждён, изменён, просрочен, отозван или выдан неизвестным органом). Проверьте предписание другим способом.",
                        en: "This protection order's QR code is not valid (damaged, altered, expired, revoked or from an unknown issuer). Check the order another way.")(l)
        case .invalidRegistry:
            if let specific = registryMessage(e.technicalDetail) { return specific(l) }
            return Text(kk: "Полиция бөлімінен келген тізілім файлы қабылданбады. Ештеңе өзгертілген жоқ.",
                        ru: "Файл реестра из отдела полиции отклонён. Ничего не изменено.",
                        en: "The registry file from the police station was refused. Nothing was changed.")(l)
        case .permissionDenied:
            if let specific = permissionMessage(e.technicalDetail) { return specific(l) }
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
        case .sync:
            if let specific = syncMessage(e.technicalDetail) { return specific(l) }
            return Text(kk: "Бөліммен байланыс болмады. Бәрі осы құрылғыда сақталған және кейін жіберіледі.",
                        ru: "Не удалось связаться с отделом. Всё сохранено на этом устройстве и будет отправлено позже.",
                        en: "Could not reach the station. Everything is kept on this device and will be sent later.")(l)
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
        guard let date = Dates.rfc3339(rfc3339) else { return rfc3339 }
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

    static func conflictMessage(_ detail: String) -> Text? {
        if detail.contains("already served") {
            return Text(kk: "Бұл нұсқама бұрын табыс етілген.", ru: "Это предписание уже вручено.", en: "This order was already served.")
        }
        if detail.contains("order is revoked") || detail.contains("already revoked") {
            return Text(kk: "Бұл нұсқаманың күші жойылған.", ru: "Это предписание отменено.", en: "This order is revoked.")
        }
        if detail.contains("consent was withdrawn") {
            return Text(kk: "Келісім кері қайтарылды: бұл жолдама жабық.",
                        ru: "Согласие отозвано: это направление закрыто.",
                        en: "Consent was withdrawn: this referral is closed.")
        }
        if detail.contains("referral is closed") {
            return Text(kk: "Бұл жолдама жабық.", ru: "Это направление закрыто.", en: "This referral is closed.")
        }
        if detail.contains("badge exists") {
            return Text(kk: "Бұл төсбелгі нөмірімен профиль бар.", ru: "Профиль с этим номером жетона уже есть.", en: "A profile with this badge number already exists.")
        }
        if detail.contains("order number is already used") {
            return Text(kk: "Бұл нұсқама нөмірі бұрын қолданылған.", ru: "Этот номер предписания уже использован.", en: "This order number is already used.")
        }
        return nil
    }

    static func permissionMessage(_ detail: String) -> Text? {
        if detail.contains("station key") {
            return Text(kk: "Бөлімнің кілтін қолмен тек PIN-кодымен кірген басшы өзгерте алады. Бөлімнің картасы арқылы тіркелгенде кілт өзі орнатылады.",
                        ru: "Ключ отдела вручную может изменить только руководитель, вошедший со своим PIN-кодом. При подключении по карточке отдела ключ устанавливается сам.",
                        en: "Only a supervisor signed in with their PIN can change the station's key by hand. Enrolling with the station's card sets it by itself.")
        }
        if detail.contains("first profile") {
            return Text(kk: "Бұл телефондағы алғашқы профиль басшыныкі болуы керек.",
                        ru: "Первый профиль на этом телефоне должен быть профилем руководителя.",
                        en: "The first profile on this phone must be the supervisor's.")
        }
        if detail.contains("create a profile") {
            return Text(kk: "Профильдерді тек PIN-кодымен кірген басшы қоса алады.",
                        ru: "Добавлять профили может только руководитель, вошедший со своим PIN-кодом.",
                        en: "Only a supervisor signed in with their PIN can add profiles.")
        }
        if detail.contains("clinical notes") {
            return Text(kk: "Жауаптар мен клиникалық жазбаларды тек психолог оқи алады. Бұл әрекет іс журналына тіркелді.",
                        ru: "Ответы и клинические записи доступны только психологу. Эта попытка записана в журнал дела.",
                        en: "Only a psychologist can read the answers and clinical notes. This attempt was recorded in the case log.")
        }
        if detail.contains("psychologist profile") {
            return Text(kk: "Жаңа психолог профилін қосу үшін психолог жүйеге кіруі керек.",
                        ru: "Чтобы добавить профиль психолога, должен войти психолог.",
                        en: "A psychologist must be signed in to add another psychologist profile.")
        }
        if detail.contains("record a risk assessment") || detail.contains("clinical key") {
            return Text(kk: "Қауіпті бағалауды тек PIN-кодымен кірген психолог тіркей алады.",
                        ru: "Оценку риска может записать только психолог, вошедший со своим PIN-кодом.",
                        en: "Only a psychologist signed in with their PIN can record a risk assessment.")
        }
        return nil
    }

    static func qrMessage(_ detail: String) -> Text? {
        if detail.contains("expired") {
            return Text(kk: "Бұл нұсқаманың мерзімі өтіп кеткен.", ru: "Срок действия этого предписания истёк.", en: "This order has expired.")
        }
        if detail.contains("altered") {
            return Text(kk: "Код өзгертілген: қолтаңба сәйкес келмейді. Құжатқа күмәнмен қараңыз.",
                        ru: "Код изменён: подпись не совпадает. Относитесь к документу с подозрением.",
                        en: "The code was altered: the signature does not match. Treat the paper as suspect.")
        }
        if detail.contains("revoked device") {
            return Text(kk: "Кодқа күші жойылған құрылғы қол қойған. Нұсқаманы бөлім арқылы тексеріңіз.",
                        ru: "Код подписан отозванным устройством. Проверьте предписание через отдел.",
                        en: "The code was signed by a revoked device. Check the order with the station.")
        }
        if detail.contains("unknown device") {
            return Text(kk: "Кодқа бұл телефонға белгісіз құрылғы қол қойған: тізілімді жаңартыңыз немесе нұсқаманы басқа жолмен тексеріңіз.",
                        ru: "Код подписан неизвестным этому телефону устройством: обновите реестр или проверьте предписание иначе.",
                        en: "The code was signed by a device this phone does not know: update the registry, or check the order another way.")
        }
        if detail.contains("cut off") {
            return Text(kk: "Бұл Qorgau нұсқамасының коды емес немесе толық оқылмады. Қайта сканерлеңіз.",
                        ru: "Это не код предписания Qorgau или он считан не полностью. Отсканируйте ещё раз.",
                        en: "Not a Qorgau order code, or not read completely. Scan it again.")
        }
        return nil
    }

    static func registryMessage(_ detail: String) -> Text? {
        if detail.contains("no station key") {
            return Text(kk: "Құрылғы әлі бөлімге тіркелмеген: алдымен бөлімнің кілтін енгізіңіз.",
                        ru: "Устройство ещё не зарегистрировано в отделе: сначала укажите ключ отдела.",
                        en: "This device is not enrolled with a station yet: trust the station's key first.")
        }
        if detail.contains("out of sequence") {
            return Text(kk: "Тізілім файлы ескі немесе ретсіз. Бөлімнен соңғысын алыңыз. Ештеңе өзгертілген жоқ.",
                        ru: "Файл реестра устарел или идёт не по порядку. Получите последний в отделе. Ничего не изменено.",
                        en: "The registry file is older or out of order. Get the latest from the station. Nothing was changed.")
        }
        return nil
    }

    /// The core's sync reasons (core/src/sync/client.rs, with the station's answers from
    /// station/src/station.rs) that mean something other than "the station could not be reached".
    /// Also used for the last error the store keeps (`SyncStatus.lastError`, the same wording).
    static func syncMessage(_ detail: String) -> Text? {
        // Enrolment refusals after which nothing was stored (core/src/sync/client.rs `refused`).
        if detail.contains("not the one on the card") {
            return Text(kk: "Бөлім картамен сәйкес келмейді: оның кілті немесе сертификаты картада көрсетілгендей емес. Ештеңе сақталған жоқ. Тіркелмеңіз, кезекшіге хабарлаңыз.",
                        ru: "Отдел не совпадает с карточкой: его ключ или сертификат не тот, что указан на карточке. Ничего не сохранено. Не подключайтесь, сообщите дежурному.",
                        en: "The station does not match the card: its key or certificate is not the one the card names. Nothing was stored. Do not enrol; tell the duty officer.")
        }
        if detail.contains("not bound to this code") || detail.contains("not from the root it names") || detail.contains("certificate does not verify") {
            return Text(kk: "Бөлімнің жауабы тексерілмеді (жолда өзгертілген болуы мүмкін немесе бұл сол бөлім емес). Ештеңе сақталған жоқ. Кезекшіге хабарлаңыз.",
                        ru: "Ответ отдела не прошёл проверку (возможно, изменён по пути или это не тот отдел). Ничего не сохранено. Сообщите дежурному.",
                        en: "The station's answer could not be verified (changed on the way, or not this station). Nothing was stored. Tell the duty officer.")
        }
        if detail.contains("names no TLS root") {
            return Text(kk: "Бөлім өзінің TLS түбірін көрсетпеді. Кодты қолмен енгізудің орнына бөлімнің тіркеу картасын сканерлеңіз.",
                        ru: "Отдел не назвал свой корневой сертификат TLS. Отсканируйте карточку подключения отдела вместо ввода кода вручную.",
                        en: "The station did not name its TLS root. Scan the station's enrolment card instead of typing the code.")
        }
        if detail.contains("too many wrong enrolment codes") {
            return Text(kk: "Бұл желіден тым көп қате код енгізілді. Он минут күтіп, қайталаңыз.",
                        ru: "С этой сети введено слишком много неверных кодов. Подождите десять минут и повторите.",
                        en: "Too many wrong codes from this network. Wait ten minutes and try again.")
        }
        if detail.contains("enrolment code") {
            return Text(kk: "Тіркеу коды қабылданбады: ол қате, бұрын қолданылған немесе мерзімі өткен. Кезекшіден жаңа код сұраңыз.",
                        ru: "Код подключения не принят: он неверный, уже использован или просрочен. Попросите у дежурного новый код.",
                        en: "The enrolment code was not accepted: it is wrong, already used or expired. Ask the duty officer for a new code.")
        }
        if detail.contains("already enrolled") {
            return Text(kk: "Бұл құрылғы бөлімге бұрын тіркелген.",
                        ru: "Это устройство уже подключено к отделу.",
                        en: "This device is already enrolled with the station.")
        }
        if detail.contains("not enrolled") || detail.contains("device revoked") {
            return Text(kk: "Бөлім бұл құрылғыны қабылдамайды (тіркелмеген немесе тіркеуі жойылған). Кезекшіден жаңа код сұраңыз. Бәрі осы құрылғыда сақталған.",
                        ru: "Отдел не принимает это устройство (не подключено или отключено). Попросите у дежурного новый код. Всё сохранено на этом устройстве.",
                        en: "The station does not accept this device (not enrolled, or revoked). Ask the duty officer for a new code. Everything is kept on this device.")
        }
        if detail.contains("certificate is not trusted") {
            return Text(kk: "Бөлімнің TLS сертификатына сенім жоқ. Бөлімнің тіркеу картасымен (немесе оның өз сертификатымен, PEM файлы) қайта тіркеліңіз. Бәрі осы құрылғыда сақталған.",
                        ru: "Сертификату отдела нет доверия. Подключитесь снова по карточке подключения отдела (или с его собственным сертификатом, файл PEM). Всё сохранено на этом устройстве.",
                        en: "The station's TLS certificate is not trusted. Enrol again with the station's enrolment card (or its own certificate, a PEM file). Everything is kept on this device.")
        }
        if detail.contains("certificate") || detail.contains("malformed") || detail.contains("station key") {
            return Text(kk: "Бұл мекенжай Qorgau бөлімі сияқты жауап бермейді. Мекенжайды тексеріңіз.",
                        ru: "По этому адресу отвечает не сервер отдела Qorgau. Проверьте адрес.",
                        en: "This address does not answer like a Qorgau station. Check the address.")
        }
        if detail.contains("refused by the station") {
            return Text(kk: "Бөлім кейбір жазбаларды қабылдамады. Олар осы құрылғыда сақталған; кезекшіге хабарлаңыз.",
                        ru: "Отдел не принял часть записей. Они сохранены на этом устройстве; сообщите дежурному.",
                        en: "The station refused some records. They are kept on this device; tell the duty officer.")
        }
        if detail.contains("answered 5") {
            return Text(kk: "Бөлім серверінде ақау. Бәрі осы құрылғыда сақталған; кейінірек қайталаңыз.",
                        ru: "Сбой на сервере отдела. Всё сохранено на этом устройстве; повторите позже.",
                        en: "The station's server has a fault. Everything is kept on this device; try again later.")
        }
        return nil
    }

    static func specificInputMessage(field: String, detail: String) -> Text? {
        switch field {
        case "station" where detail.contains("plain http"), "station_url" where detail.contains("plain http"):
            return Text(kk: "Шифрланбаған http мекенжайына жіберуге болмайды: айғақтар желіде ашық жүреді. Бөлімнің https мекенжайын енгізіңіз немесе тіркеу картасын сканерлеңіз.",
                        ru: "Отправлять на незашифрованный адрес http нельзя: доказательства пойдут по сети открыто. Введите адрес отдела с https или отсканируйте карточку подключения.",
                        en: "Plain http is not allowed: evidence would cross the network unencrypted. Enter the station's https address, or scan its enrolment card.")
        case "station" where detail.contains("an address such as") || detail.contains("must start with"):
            return specificInputMessage(field: "station_url", detail: "")
        case "enrolment card" where detail.contains("plain http"):
            return Text(kk: "Бұл картада шифрланбаған http мекенжайы бар: телефон басқа құрылғыға тек https арқылы жібереді. Кезекшіден жаңа карта сұраңыз.",
                        ru: "На этой карточке незашифрованный адрес http: телефон отправляет на другое устройство только по https. Попросите у дежурного новую карточку.",
                        en: "This card names a plain http address: the phone sends to another machine only over https. Ask the duty officer for a new card.")
        case "enrolment card", "enrolment code":
            return Text(kk: "Бұл Qorgau тіркеу картасы емес (немесе толық оқылмады). Картаны қайта сканерлеңіз немесе кезекшіден жаңасын сұраңыз.",
                        ru: "Это не карточка подключения Qorgau (или она прочитана не полностью). Отсканируйте её снова или попросите у дежурного новую.",
                        en: "This is not a Qorgau enrolment card (or it was not read completely). Scan it again, or ask the duty officer for a new one.")
        case "station":
            return Text(kk: "Алдымен құрылғыны бөлімге тіркеңіз (мекенжай мен кезекшінің коды).",
                        ru: "Сначала подключите устройство к отделу (адрес и код от дежурного).",
                        en: "Enrol this device with the station first (address and the duty officer's code).")
        case "station_url":
            return Text(kk: "Бөлімнің мекенжайын толық енгізіңіз, мысалы https://10.20.0.5:8440.",
                        ru: "Введите полный адрес отдела, например https://10.20.0.5:8440.",
                        en: "Enter the station's full address, e.g. https://10.20.0.5:8440.")
        case "station_certificate":
            return Text(kk: "Бөлімнің өз сертификатын (PEM файлы) таңдаңыз немесе белгіні алып тастаңыз.",
                        ru: "Выберите собственный сертификат отдела (файл PEM) или снимите отметку.",
                        en: "Choose the station's own certificate (a PEM file) or clear the mark.")
        case "enrolment_code":
            return Text(kk: "Кезекші берген тіркеу кодын енгізіңіз.",
                        ru: "Введите код подключения от дежурного.",
                        en: "Enter the enrolment code from the duty officer.")
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
        case "pin" where detail.contains("too easy"):
            return Text(kk: "PIN-кодты табу тым оңай (бірдей цифрлар немесе қатар). Басқасын таңдаңыз.",
                        ru: "PIN-код слишком простой (одинаковые цифры или подряд). Выберите другой.",
                        en: "This PIN is too easy to guess (one digit repeated, or a run). Choose another.")
        case "pin":
            return Text(kk: "PIN-код 6–12 цифрдан тұрады.",
                        ru: "PIN-код состоит из 6–12 цифр.",
                        en: "A PIN has 6 to 12 digits.")
        case "consent":
            return Text(kk: "Жолдау үшін адамның келісімі керек: сұрақты оқып беріп, жауабын алдымен тіркеңіз.",
                        ru: "Для направления нужно согласие человека: зачитайте вопрос и сначала отметьте ответ.",
                        en: "A referral needs the person's consent: read the question out and record the answer first.")
        case "children_placed":
            return Text(kk: "Балалар тек баспанаға немесе дағдарыс орталығына жолдаумен бірге орналастырылады.",
                        ru: "Дети размещаются только при направлении в приют или кризисный центр.",
                        en: "Children are placed only with a shelter or crisis centre referral.")
        case "restricted_person" where detail.contains("aged"):
            return Text(kk: "Шектелетін адам кемінде 16 жаста болуы керек.",
                        ru: "Ограничиваемому лицу должно быть не меньше 16 лет.",
                        en: "The restricted person must be aged 16 or more.")
        case "restricted_person" where detail.contains("date of birth"):
            return Text(kk: "Жасын тексеру үшін шектелетін адамның ЖСН-ін немесе туған күнін енгізіңіз.",
                        ru: "Укажите ИИН или дату рождения ограничиваемого лица, чтобы проверить возраст.",
                        en: "Enter the restricted person's IIN or date of birth to check the minimum age.")
        case "restricted_person" where detail.contains("survivor or child"):
            return Text(kk: "Жәбірленуші немесе бала шектелетін адам бола алмайды.",
                        ru: "Пострадавшая или ребёнок не могут быть ограничиваемым лицом.",
                        en: "A survivor or a child cannot be the restricted person.")
        case "protected_persons" where detail.contains("also be protected"):
            return Text(kk: "Шектелетін адам қорғалатын адам бола алмайды.",
                        ru: "Ограничиваемое лицо не может быть защищаемым.",
                        en: "The restricted person cannot also be protected.")
        case "valid_until" where detail.contains("longer than"):
            return Text(kk: "Нұсқаманың жалпы мерзімі ережеде рұқсат етілгеннен ұзақ.",
                        ru: "Общий срок предписания больше, чем допускают правила.",
                        en: "The order would run longer in total than the rules allow.")
        case "valid_until" where detail.contains("extension"):
            return Text(kk: "Ұзарту нұсқаманың қазіргі аяқталу күнінен кейін аяқталуы керек.",
                        ru: "Продление должно заканчиваться позже текущего срока предписания.",
                        en: "An extension must end later than the order does now.")
        case "witnesses":
            return Text(kk: "Қол қоюдан бас тартуды кемінде бір куәгердің қатысуымен тіркеңіз.",
                        ru: "Отказ от подписи фиксируется в присутствии хотя бы одного свидетеля.",
                        en: "A refusal to sign needs at least one witness present.")
        case "occurred_at":
            return Text(kk: "Бұзушылық уақыты нұсқаманың қолданылу мерзімінен тыс.",
                        ru: "Время нарушения вне срока действия предписания.",
                        en: "The time of the violation is outside the order's validity.")
        case "query":
            return Text(kk: "ЖСН-ді немесе аты-жөні мен туған күнін енгізіңіз.",
                        ru: "Укажите ИИН или ФИО и дату рождения.",
                        en: "Enter an IIN, or a name and a date of birth.")
        case "answers":
            return Text(kk: "Әр сұраққа жауап беріңіз (иә, жоқ немесе білмеймін).",
                        ru: "Ответьте на каждый вопрос (да, нет или не знаю).",
                        en: "Answer every question (yes, no or don't know).")
        case "override_reason":
            return Text(kk: "Қауіп деңгейін көтерудің себебін жазыңыз.",
                        ru: "Напишите, почему уровень риска повышен.",
                        en: "Write why the risk level is raised.")
        case "override_level":
            return Text(kk: "Кәсіби пікір деңгейді тек көтере алады, төмендете алмайды.",
                        ru: "Профессиональное суждение может только повысить уровень, но не понизить.",
                        en: "Professional judgement can raise the level, not lower it.")
        case "survivor_id":
            return Text(kk: "Қауіпті бағалау осы істегі жәбірленушімен жүргізіледі.",
                        ru: "Оценка риска проводится с пострадавшей по этому делу.",
                        en: "A risk assessment is made with the survivor on this case.")
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
        case "pin": return Text(kk: "PIN-код", ru: "PIN-код", en: "PIN")
        case "profile": return Text(kk: "профиль (аты-жөні мен төсбелгі нөмірі)", ru: "профиль (ФИО и номер жетона)", en: "profile (name and badge number)")
        case "restricted_person": return Text(kk: "шектелетін адам", ru: "ограничиваемое лицо", en: "restricted person")
        case "protected_persons": return Text(kk: "қорғалатын адамдар", ru: "защищаемые лица", en: "protected persons")
        case "prohibitions": return Text(kk: "тыйым салулар (кемінде біреуі)", ru: "запреты (хотя бы один)", en: "prohibitions (at least one)")
        case "valid_until": return Text(kk: "қолданылу мерзімі", ru: "срок действия", en: "end of validity")
        case "number": return Text(kk: "нұсқама нөмірі", ru: "номер предписания", en: "order number")
        case "reason": return Text(kk: "себебі", ru: "причина", en: "reason")
        case "description": return Text(kk: "сипаттамасы", ru: "описание", en: "description")
        case "outcome": return Text(kk: "нәтижесі", ru: "результат", en: "outcome")
        case "next_check": return Text(kk: "келесі тексеру күні (іс-шарадан кейін)", ru: "дата следующей проверки (после мероприятия)", en: "next check (after the intervention)")
        case "organisation": return Text(kk: "ұйым", ru: "организация", en: "organisation")
        case "status": return Text(kk: "мәртебесі", ru: "статус", en: "status")
        case "calendar": return Text(kk: "оқиғалар күнтізбесі", ru: "календарь инцидентов", en: "incident calendar")
        case "instrument": return Text(kk: "бағалау құралы", ru: "инструмент оценки", en: "assessment instrument")
        case "public_key": return Text(kk: "бөлімшенің ашық кілті (64 он алтылық цифр)", ru: "открытый ключ отдела (64 шестнадцатеричные цифры)", en: "station public key (64 hex digits)")
        default: return nil
        }
    }
}
