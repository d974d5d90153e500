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
        .ProfileLocked(until: "2026-11-25T12:30:00Z", reason: "locked"), .Cancelled, .KeyStore(reason: "key store error"), .Io(reason: "io"),
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
