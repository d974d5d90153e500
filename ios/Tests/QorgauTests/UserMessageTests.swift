import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// The mapping of QorgauError to what the officer reads, in kk / ru / en.
final class UserMessageTests: XCTestCase {
    static let everyError: [QorgauError] = [
        .InvalidInput(field: "iin", reason: "invalid IIN: check digit does not match"),
        .InvalidInput(field: "full_name", reason: "invalid full_name: must not be empty"),
        .InvalidInput(field: "some_new_field", reason: "invalid some_new_field: ..."),
        .BadMedia(reason: "not media"), .NotFound(reason: "unknown case"), .Conflict(reason: "not allowed"),
        .WrongKey(reason: "wrong key"), .Integrity(reason: "integrity failure"), .NotInitialised(reason: "no device profile"), .AlreadyInitialised(reason: "a device profile already exists"),
        .Storage(reason: "not a database"), .InvalidQr(reason: "bad signature"), .InvalidRegistry(reason: "bad registry"),
        .PermissionDenied(reason: "denied"), .WrongPin(attemptsLeft: 2, reason: "wrong pin"),
        .ProfileLocked(until: "2026-11-25T12:30:00Z", reason: "locked"), .Sync(reason: "station unreachable"), .Cancelled, .KeyStore(reason: "key store error"), .Io(reason: "io"),
        .Internal(reason: "panic"),
    ]

    func testEveryErrorHasAMessageInEachLanguage() {
        for e in Self.everyError {
            let texts = Language.all.map { e.userMessage($0) }
            XCTAssertTrue(texts.allSatisfy { !$0.isEmpty }, "\(e)")
            XCTAssertEqual(Set(texts).count, 3, "three different languages for \(e): \(texts)")
            XCTAssertFalse(texts.contains { $0.contains("QorgauError") }, "no debug dumps shown to officers")
        }
    }

    func testMessagesAndLocalizedError() {
        let wrong = QorgauAppError(QorgauError.WrongKey(reason: "wrong key: the key store cannot unlock this store"), language: .kk)
        XCTAssertTrue(wrong.isSecurityFailure)
        XCTAssertEqual(wrong.errorDescription, "Бұл құрылғының кілті қойманы аша алмайды. Ештеңе өзгертілген жоқ. Бөлімше әкімшісіне хабарласыңыз.")
        XCTAssertEqual((wrong as Error).localizedDescription, wrong.message)
        XCTAssertEqual(wrong.localized(.ru).message, "Ключ этого устройства не открывает хранилище. Ничего не изменено. Обратитесь к администратору подразделения.")
        XCTAssertEqual(wrong.technicalDetail, "wrong key: the key store cannot unlock this store")

        XCTAssertEqual(QorgauError.Cancelled.userMessage(.en), "Cancelled. Nothing was saved.")
        XCTAssertEqual(QorgauError.WrongPin(attemptsLeft: 2, reason: "").userMessage(.ru), "Неверный PIN-код. Осталось попыток: 2.")
        let locked = QorgauAppError(QorgauError.ProfileLocked(until: "2026-11-25T12:30:00Z", reason: ""), language: .en)
        XCTAssertTrue(locked.isSecurityFailure)
        XCTAssertTrue(locked.message.hasPrefix("Too many wrong PINs. The profile is locked until "), locked.message)
        XCTAssertFalse(locked.message.contains("2026-11-25T"), "shown as local date and time: \(locked.message)")
        XCTAssertEqual(QorgauError.InvalidInput(field: "iin", reason: "invalid IIN: an IIN has exactly 12 digits").userMessage(.kk),
                       "ЖСН дәл 12 цифрдан тұрады.")
        XCTAssertEqual(QorgauError.InvalidInput(field: "some_new_field", reason: "").userMessage(.en), "Please check: some_new_field.")
        XCTAssertEqual(QorgauAppError(KeyStoreError.WrongKey, language: .en).kind, .wrongKey)
        XCTAssertEqual(QorgauAppError(CocoaError(.fileNoSuchFile), language: .en).kind, .internal)
    }

    /// The core's messages (English, no personal data) that get a specific message in kk/ru/en,
    /// as the core words them (core/src/store/*.rs, core/src/document/qr.rs).
    static let specific: [QorgauError] = [
        .InvalidInput(field: "pin", reason: "invalid pin: 6 to 12 digits"),
        .InvalidInput(field: "pin", reason: "invalid pin: too easy to guess (all the same digit, or a run)"),
        .InvalidInput(field: "consent", reason: "invalid consent: a referral needs the person's consent, recorded first"),
        .InvalidInput(field: "children_placed", reason: "invalid children_placed: children are placed only with a shelter or crisis centre referral"),
        .InvalidInput(field: "restricted_person", reason: "invalid restricted_person: must be aged 16 or more"),
        .InvalidInput(field: "restricted_person", reason: "invalid restricted_person: date of birth (or IIN) needed to check the minimum age"),
        .InvalidInput(field: "restricted_person", reason: "invalid restricted_person: a survivor or child cannot be the restricted person"),
        .InvalidInput(field: "protected_persons", reason: "invalid protected_persons: the restricted person cannot also be protected"),
        .InvalidInput(field: "valid_until", reason: "invalid valid_until: longer than the 60 days the rules allow"),
        .InvalidInput(field: "valid_until", reason: "invalid valid_until: an extension must end later than the order does now"),
        .InvalidInput(field: "witnesses", reason: "invalid witnesses: a refusal to sign needs at least one witness present"),
        .InvalidInput(field: "occurred_at", reason: "invalid occurred_at: outside the order's validity"),
        .InvalidInput(field: "query", reason: "invalid query: give an IIN, or a name and a date of birth"),
        .InvalidInput(field: "answers", reason: "invalid answers: item q03 needs an answer"),
        .InvalidInput(field: "override_reason", reason: "invalid override_reason: a professional override needs a written reason"),
        .InvalidInput(field: "override_level", reason: "invalid override_level: judgement can raise the level, not lower it"),
        .InvalidInput(field: "survivor_id", reason: "invalid survivor_id: a risk assessment is made with the survivor"),
        .Conflict(reason: "not allowed: the order was already served"),
        .Conflict(reason: "not allowed: the order is revoked"),
        .Conflict(reason: "not allowed: consent was withdrawn; the referral is closed"),
        .Conflict(reason: "not allowed: the referral is closed"),
        .Conflict(reason: "not allowed: a profile with that badge exists"),
        .Conflict(reason: "not allowed: that order number is already used"),
        .PermissionDenied(reason: "permission denied: cannot read the answers and clinical notes (psychologists only)"),
        .PermissionDenied(reason: "permission denied: cannot record a risk assessment (psychologists only)"),
        .PermissionDenied(reason: "permission denied: cannot add a psychologist profile (a psychologist must be signed in to hand over the clinical key)"),
        .InvalidQr(reason: "order QR code rejected: not a Qorgau order code, or cut off"),
        .InvalidQr(reason: "order QR code rejected: the signature does not match: the code was altered"),
        .InvalidQr(reason: "order QR code rejected: signed by an unknown device"),
        .InvalidQr(reason: "order QR code rejected: signed by a revoked device"),
        .InvalidQr(reason: "order QR code rejected: the order has expired"),
        .InvalidRegistry(reason: "registry update rejected: no station key is trusted yet (enrol the device first)"),
        .InvalidRegistry(reason: "registry update rejected: out of sequence: older than the registry in force"),
    ]

    func testNewErrorCasesHaveSpecificMessagesInEachLanguage() {
        var seen = Set<String>()
        for e in Self.specific {
            let texts = Language.all.map { e.userMessage($0) }
            XCTAssertEqual(Set(texts).count, 3, "three different languages for \(e): \(texts)")
            XCTAssertFalse(texts.contains { $0.hasPrefix("Please check") || $0.hasPrefix("Проверьте поле") }, "\(e): \(texts)")
            XCTAssertTrue(seen.insert(texts[2]).inserted, "a message of its own for \(e): \(texts[2])")
        }
        // Fields without a specific message are named in the officer's language.
        XCTAssertEqual(QorgauError.InvalidInput(field: "organisation", reason: "").userMessage(.ru), "Проверьте поле: организация.")
        XCTAssertEqual(QorgauError.InvalidInput(field: "reason", reason: "").userMessage(.kk), "Мына өрісті тексеріңіз: себебі.")
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
        XCTAssertEqual(IinCheck.status(of: "", language: .en), .empty)
        XCTAssertEqual(IinCheck.status(of: " 9403 ", language: .en), .incomplete(digits: 4))
        XCTAssertEqual(IinCheck.status(of: "940312402103", language: .en), .valid)
        XCTAssertEqual(IinCheck.status(of: "940312402109", language: .en),
                       .invalid(message: "The IIN's check digit does not match: check for a typo."))
        XCTAssertEqual(IinCheck.status(of: "9403124021031", language: .en), .invalid(message: "An IIN has exactly 12 digits."))
        XCTAssertEqual(IinCheck.status(of: "941312402103", language: .ru), .invalid(message: "Дата рождения в этом ИИН невозможна."))
    }
}
