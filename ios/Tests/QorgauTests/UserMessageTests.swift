import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// Every value of the generated enum `T`, read through its UniFFI converter (variants 1, 2, …
/// until the converter refuses one): a case added to the core is picked up here without anyone
/// listing it. Nested fields read as their first case (a `SyncFailure.refused` as `.badRequest`).
func allCases<T>(_ read: (inout (data: Data, offset: Data.Index)) throws -> T) -> [T] {
    var out: [T] = []
    for variant in Int32(1)...Int32(200) {
        var bytes = withUnsafeBytes(of: variant.bigEndian) { Data($0) }
        bytes.append(contentsOf: [0, 0, 0, 1] + [UInt8](repeating: 0, count: 16))
        var buf = (data: bytes, offset: bytes.startIndex)
        guard let value = try? read(&buf) else { break }
        out.append(value)
    }
    return out
}

/// The mapping of error kinds to what the officer reads, in kk / ru / en: one message per kind,
/// from the package's strings, never from the core's English words.
final class UserMessageTests: XCTestCase {
    static let errorCodes = allCases(FfiConverterTypeErrorCode.read(from:))
    static let iinProblems = allCases(FfiConverterTypeIinProblem.read(from:))
    static let qrRejections = allCases(FfiConverterTypeQrRejection.read(from:))
    static let rejectionCodes = allCases(FfiConverterTypeRejectionCode.read(from:))
    /// Every sync failure, with a refusal for every station code.
    static let syncFailures: [SyncFailure] = allCases(FfiConverterTypeSyncFailure.read(from:)).flatMap { f -> [SyncFailure] in
        if case .refused = f { return errorCodes.map { .refused(code: $0, status: 403) } }
        if case .stationFailed = f { return [.stationFailed(status: 503)] }
        return [f]
    }
    static let syncProblems = allCases(FfiConverterTypeSyncProblem.read(from:))
    static let lockedUntil = Date(timeIntervalSince1970: 1_795_609_800) // 2026-11-25T12:30:00Z

    /// Every kind but `invalidInput` (whose messages go by field, below).
    static var everyKind: [QorgauAppError.Kind] {
        var kinds: [QorgauAppError.Kind] = [
            .badMedia, .damagedMedia, .notFound, .conflict, .wrongKey, .integrity, .notInitialised, .alreadyInitialised,
            .storage, .invalidRegistry, .permissionDenied, .wrongPin(attemptsLeft: 2), .profileLocked(until: lockedUntil),
            .cancelled, .keyStore, .io, .internal, .plainHTTPRefused, .cardAddressRefused, .stationNotOnCard, .clinicalKeyPending,
        ]
        kinds += iinProblems.map { .invalidIin($0) }
        kinds += qrRejections.map { .invalidQr($0) }
        kinds += syncFailures.map { .sync($0) }
        return kinds
    }

    /// Does not compile when a kind is added to `QorgauAppError.Kind`: add it to `everyKind`.
    private static func listed(_ k: QorgauAppError.Kind) {
        switch k {
        case .invalidInput, .invalidIin, .badMedia, .damagedMedia, .notFound, .conflict, .wrongKey, .integrity,
             .notInitialised, .alreadyInitialised, .storage, .invalidQr, .invalidRegistry, .permissionDenied, .wrongPin,
             .profileLocked, .sync, .cancelled, .keyStore, .io, .internal, .plainHTTPRefused, .cardAddressRefused,
             .stationNotOnCard, .clinicalKeyPending:
            break
        }
    }

    func testTheGeneratedEnumsAreReadInFull() {
        XCTAssertEqual(Self.errorCodes.count, 20)
        XCTAssertEqual(Self.errorCodes.first, .badRequest)
        XCTAssertEqual(Self.errorCodes.last, .unknown)
        XCTAssertEqual(Self.iinProblems, [.wrongLength, .badCenturyDigit, .noSuchBirthDate, .noValidCheckDigit, .checkDigitMismatch])
        XCTAssertEqual(Self.qrRejections, [.malformed, .tampered, .unknownSigner, .revokedSigner, .expired])
        XCTAssertEqual(Self.rejectionCodes.count, 10)
        XCTAssertEqual(Self.syncFailures.count, 9 + 20)
        XCTAssertEqual(Self.syncProblems.count, 3)
    }

    func testEveryKindHasItsOwnMessageInKazakhRussianAndEnglish() {
        let kinds = Self.everyKind
        var seen: [Language: [String: QorgauAppError.Kind]] = [:]
        for kind in kinds {
            let (key, _) = UserMessages.entry(for: kind, .en)
            for l in Language.all {
                XCTAssertTrue(Strings.has(key, l), "\(l.code): no \(key) for \(kind)")
            }
            let texts = Language.all.map { QorgauAppError(kind: kind, language: $0).message }
            XCTAssertTrue(texts.allSatisfy { !$0.isEmpty && !$0.contains("error.") && !$0.contains("%@") }, "\(kind): \(texts)")
            XCTAssertEqual(Set(texts).count, 3, "three different languages for \(kind): \(texts)")
            for (l, text) in zip(Language.all, texts) {
                if let other = seen[l]?[text] { XCTFail("\(l.code): \(kind) and \(other) share \(text)") }
                seen[l, default: [:]][text] = kind
            }
        }
        XCTAssertEqual(seen[.en]?.count, kinds.count)
    }

    func testEverySyncProblemAndRefusedRecordHasItsOwnWords() {
        for l in Language.all {
            let problems = Self.syncProblems.map { UserMessages.message(for: $0, l) }
            XCTAssertEqual(Set(problems).count, Self.syncProblems.count, "\(l.code): \(problems)")
            XCTAssertTrue(problems.allSatisfy { !$0.isEmpty && !$0.contains("sync.") })
            let why = Self.rejectionCodes.map { Strings.text(UserMessages.key($0), l) }
            XCTAssertTrue(Self.rejectionCodes.allSatisfy { Strings.has(UserMessages.key($0), l) })
            XCTAssertEqual(Set(why).count, Self.rejectionCodes.count, "\(l.code): \(why)")
            XCTAssertNotEqual(UserMessages.retryNote(true, l), UserMessages.retryNote(false, l))
        }
        for code in Self.rejectionCodes {
            XCTAssertEqual(Set(Language.all.map { Strings.text(UserMessages.key(code), $0) }).count, 3, "\(code)")
        }
        XCTAssertEqual(UserMessages.message(for: .entriesRefused(count: 2), .ru),
                       "Отдел не принял: 2 записи. Они сохранены на этом устройстве; сообщите дежурному.")
        XCTAssertEqual(UserMessages.rejections([.badSignature, .brokenLink, .badSignature], .en),
                       "Why: the signature does not verify; the record does not link to the one before.")
        XCTAssertNil(UserMessages.rejections([], .en))
        // A failed sync reads as the failure itself.
        XCTAssertEqual(UserMessages.message(for: .failed(failure: .unreachable), .kk), QorgauAppError(kind: .sync(.unreachable), language: .kk).message)
    }

    /// Whether a problem clears by itself is the core's `syncFailureIsTransient`, nothing else.
    func testRetryFollowsTheCoresTransience() {
        for f in Self.syncFailures {
            let clears = UserMessages.clearsByItself(.failed(failure: f))
            if f == .cancelled {
                XCTAssertNil(clears, "a sync the officer stopped")
            } else {
                XCTAssertEqual(clears, syncFailureIsTransient(failure: f), "\(f)")
            }
            XCTAssertEqual(QorgauAppError(kind: .sync(f), language: .en).isTransientSyncFailure, syncFailureIsTransient(failure: f))
        }
        XCTAssertEqual(UserMessages.clearsByItself(.failed(failure: .unreachable)), true)
        XCTAssertEqual(UserMessages.clearsByItself(.failed(failure: .refused(code: .busy, status: 409))), true)
        XCTAssertEqual(UserMessages.clearsByItself(.failed(failure: .refused(code: .deviceRevoked, status: 403))), false)
        XCTAssertEqual(UserMessages.clearsByItself(.entriesRefused(count: 1)), false)
        XCTAssertEqual(UserMessages.clearsByItself(.registryNotUpdated), true)
        XCTAssertNil(QorgauAppError(kind: .conflict, language: .en).isTransientSyncFailure)
    }

    /// Every core error maps to its kind; the words never depend on the core's `reason`, and
    /// neither does any decision (rewording the core changes nothing on screen).
    func testKindsAndMessagesIgnoreTheCoresWords() {
        func every(_ reason: String) -> [QorgauError] {
            [
                .InvalidInput(field: "full_name", reason: reason), .InvalidIin(problem: .checkDigitMismatch, reason: reason),
                .BadMedia(problem: .corrupt, reason: reason), .NotFound(reason: reason), .Conflict(reason: reason), .WrongKey(reason: reason),
                .Integrity(reason: reason), .NotInitialised(reason: reason), .AlreadyInitialised(reason: reason),
                .Storage(reason: reason), .InvalidQr(rejection: .tampered, reason: reason), .InvalidRegistry(reason: reason),
                .PermissionDenied(reason: reason), .WrongPin(attemptsLeft: 3, reason: reason),
                .ProfileLocked(until: Self.lockedUntil, reason: reason),
                .Sync(failure: .refused(code: .deviceRevoked, status: 403), reason: reason), .Cancelled,
                .KeyStore(reason: reason), .Io(reason: reason), .Internal(reason: reason),
            ]
        }
        let expected: [QorgauAppError.Kind] = [
            .invalidInput(field: "full_name"), .invalidIin(.checkDigitMismatch), .badMedia, .notFound, .conflict, .wrongKey,
            .integrity, .notInitialised, .alreadyInitialised, .storage, .invalidQr(.tampered), .invalidRegistry,
            .permissionDenied, .wrongPin(attemptsLeft: 3), .profileLocked(until: Self.lockedUntil),
            .sync(.refused(code: .deviceRevoked, status: 403)), .cancelled, .keyStore, .io, .internal,
        ]
        let wordings = ["", "WORDS-FOR-THE-LOG", "damaged evidence; it can be kept as damaged evidence",
                        "device revoked", "certificate is not trusted", "plain http", "already served", "psychologists only"]
        for l in Language.all {
            let reference = every("x").map { QorgauAppError($0, language: l) }
            XCTAssertEqual(reference.map(\.kind), expected)
            for words in wordings {
                for (shown, ref) in zip(every(words).map { QorgauAppError($0, language: l) }, reference) {
                    XCTAssertEqual(shown.kind, ref.kind)
                    XCTAssertEqual(shown.message, ref.message, "\(l.code): \(shown.kind) with \(words.debugDescription)")
                    XCTAssertEqual(shown.isDamagedMedia, ref.isDamagedMedia)
                    XCTAssertEqual(shown.isSecurityFailure, ref.isSecurityFailure)
                    XCTAssertEqual(shown.field, ref.field)
                    XCTAssertEqual(shown.isTransientSyncFailure, ref.isTransientSyncFailure)
                    XCTAssertFalse(words.count > 3 && shown.message.contains(words), "\(shown.kind) shows the core's words")
                }
            }
        }
        // The words stay available for the log.
        XCTAssertEqual(QorgauAppError(QorgauError.Conflict(reason: "WORDS-FOR-THE-LOG"), language: .en).technicalDetail, "WORDS-FOR-THE-LOG")
    }

    func testMessagesAndLocalizedError() {
        let wrong = QorgauAppError(QorgauError.WrongKey(reason: "wrong key: the key store cannot unlock this store"), language: .kk)
        XCTAssertEqual(wrong.kind, .wrongKey)
        XCTAssertTrue(wrong.isSecurityFailure)
        XCTAssertEqual(wrong.errorDescription, wrong.message)
        XCTAssertEqual((wrong as Error).localizedDescription, wrong.message)
        XCTAssertEqual(wrong.localized(.ru).message, QorgauAppError(kind: .wrongKey, language: .ru).message)
        XCTAssertEqual(wrong.localized(.ru).language, .ru)
        XCTAssertEqual(wrong.technicalDetail, "wrong key: the key store cannot unlock this store")
        XCTAssertEqual(QorgauAppError(wrong, language: .en).language, .en, "an app error passes through, in the new language")

        XCTAssertEqual(QorgauError.Cancelled.userMessage(.en), "Cancelled. Nothing was saved.")
        XCTAssertEqual(QorgauError.WrongPin(attemptsLeft: 2, reason: "").userMessage(.ru), "Неверный PIN-код. Осталось попыток: 2.")
        XCTAssertEqual(QorgauAppError(KeyStoreError.WrongKey, language: .en).kind, .wrongKey)
        XCTAssertEqual(QorgauAppError(KeyStoreError.Unavailable(reason: "locked"), language: .en).kind, .keyStore)
        XCTAssertEqual(QorgauAppError(CocoaError(.fileNoSuchFile), language: .en).kind, .internal)
        XCTAssertTrue(QorgauAppError(kind: .sync(.refused(code: .deviceRevoked, status: 403)), language: .en).isSecurityFailure)
        XCTAssertFalse(QorgauAppError(kind: .sync(.unreachable), language: .en).isSecurityFailure)
    }

    /// The lock-out's end is a time, shown in the language's conventions (the time alone the
    /// same day, else date and time), never as RFC 3339.
    func testProfileLockedShowsUntilAsLocalTime() {
        let utc = TimeZone(identifier: "UTC")!
        let sameDay = Self.lockedUntil.addingTimeInterval(-300)
        for l in Language.all {
            XCTAssertEqual(UserMessages.localTime(Self.lockedUntil, l, timeZone: utc, now: sameDay), "12:30", l.code)
            let otherDay = UserMessages.localTime(Self.lockedUntil, l, timeZone: utc, now: sameDay.addingTimeInterval(-86_400))
            XCTAssertTrue(otherDay.contains("12:30") && otherDay.contains("25"), "\(l.code): \(otherDay)")
            let message = QorgauAppError(QorgauError.ProfileLocked(until: Self.lockedUntil, reason: ""), language: l).message
            XCTAssertTrue(message.contains(UserMessages.localTime(Self.lockedUntil, l)), message)
            XCTAssertFalse(message.contains("2026-11-25T"), message)
        }
        let locked = QorgauAppError(QorgauError.ProfileLocked(until: Self.lockedUntil, reason: ""), language: .en)
        XCTAssertEqual(locked.kind, .profileLocked(until: Self.lockedUntil))
        XCTAssertTrue(locked.isSecurityFailure)
        XCTAssertTrue(locked.message.hasPrefix("Too many wrong PINs. The profile is locked until "), locked.message)
    }

    /// Input refusals go by field name: a field's own message, else "check: <field>" in the
    /// officer's language (the core's name if the app does not know the field).
    func testInputMessagesGoByField() {
        let table = Strings.tables[.en] ?? [:]
        let specific = table.keys.filter { $0.hasPrefix("error.input.") }
        XCTAssertGreaterThan(specific.count, 20)
        var seen = Set<String>()
        for key in specific.sorted() {
            let field = String(key.dropFirst("error.input.".count))
            let texts = Language.all.map { QorgauAppError(kind: .invalidInput(field: field), language: $0).message }
            XCTAssertEqual(Set(texts).count, 3, "\(field): \(texts)")
            XCTAssertFalse(texts.contains { $0.hasPrefix("Please check") || $0.hasPrefix("Проверьте поле") }, "\(field): \(texts)")
            XCTAssertTrue(seen.insert(texts[2]).inserted, "a message of its own for \(field)")
        }
        // The core's field names with a space ("enrolment card") find their message too.
        XCTAssertEqual(QorgauAppError(kind: .invalidInput(field: "enrolment card"), language: .en).message,
                       QorgauAppError(kind: .invalidInput(field: "enrolment_card"), language: .en).message)
        for key in table.keys where key.hasPrefix("field.") {
            XCTAssertEqual(Set(Language.all.map { Strings.text(key, $0) }).count, 3, key)
        }
        XCTAssertEqual(QorgauError.InvalidInput(field: "organisation", reason: "").userMessage(.ru), "Проверьте поле: организация.")
        XCTAssertEqual(QorgauError.InvalidInput(field: "reason", reason: "").userMessage(.kk), "Мына өрісті тексеріңіз: себебі.")
        XCTAssertEqual(QorgauError.InvalidInput(field: "some_new_field", reason: "").userMessage(.en), "Please check: some_new_field.")
        XCTAssertEqual(QorgauAppError(kind: .invalidInput(field: "pin"), language: .en).field, "pin")
    }

    /// The package's strings: the same keys in kk, ru and en, no empty text, the same `%@`s.
    func testPackageStringsHaveTheSameKeysAndFormats() {
        let en = Strings.tables[.en] ?? [:], ru = Strings.tables[.ru] ?? [:], kk = Strings.tables[.kk] ?? [:]
        XCTAssertGreaterThan(en.count, 100, "the strings were read from the package's bundle")
        XCTAssertEqual(Set(en.keys), Set(ru.keys))
        XCTAssertEqual(Set(en.keys), Set(kk.keys))
        func placeholders(_ s: String) -> Int { s.components(separatedBy: "%@").count - 1 }
        for (key, value) in en {
            XCTAssertEqual(placeholders(key), placeholders(value), "en: \(key)")
            for (lang, table) in [("ru", ru), ("kk", kk)] {
                let v = table[key] ?? ""
                XCTAssertFalse(v.isEmpty, "\(lang): \(key)")
                XCTAssertEqual(placeholders(v), placeholders(value), "\(lang): \(key)")
            }
        }
        XCTAssertEqual(Strings.fill("%@ of %@", ["1", "2"]), "1 of 2")
        XCTAssertEqual(Strings.fill("%2$@ / %1$@", ["a", "b"]), "b / a")
        XCTAssertEqual(Strings.parse(#""a.b" = "x \"y\"\nz";"#), ["a.b": "x \"y\"\nz"])
    }

    func testLanguageFromLocale() {
        XCTAssertEqual(Language.preferred(["ru-KZ", "kk-KZ"]), .ru)
        XCTAssertEqual(Language.preferred(["de-DE", "en-GB"]), .en)
        XCTAssertEqual(Language.preferred(["de-DE"]), .kk)
        XCTAssertEqual(Language(code: "kk_KZ"), .kk)
        XCTAssertNil(Language(code: "kz"))
        XCTAssertEqual(Language.all.map(\.code), ["kk", "ru", "en"])
    }

    func testIinCheckWhileTyping() {
        func shown(_ p: IinProblem, _ l: Language) -> IinStatus { .invalid(message: QorgauAppError(kind: .invalidIin(p), language: l).message) }
        XCTAssertEqual(IinCheck.status(of: "", language: .en), .empty)
        XCTAssertEqual(IinCheck.status(of: " 9403 ", language: .en), .incomplete(digits: 4))
        XCTAssertEqual(IinCheck.status(of: "940312402103", language: .en), .valid)
        XCTAssertEqual(IinCheck.status(of: "940312402109", language: .en), shown(.checkDigitMismatch, .en))
        XCTAssertEqual(IinCheck.status(of: "9403124021031", language: .en), shown(.wrongLength, .en))
        XCTAssertEqual(IinCheck.status(of: "941312402103", language: .ru), shown(.noSuchBirthDate, .ru))
        XCTAssertEqual(IinCheck.status(of: "940312702103", language: .kk), shown(.badCenturyDigit, .kk))
        XCTAssertEqual(IinCheck.status(of: Synthetic.noCheckDigitIin, language: .en), shown(.noValidCheckDigit, .en))
    }
}
