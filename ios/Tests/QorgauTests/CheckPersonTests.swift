import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// The check at the scene against the station's signed registry: a match by name and date of
/// birth is shown only after the officer confirms it is the same person.
final class CheckPersonTests: TempDirTestCase {
    @MainActor
    func testNameAndBirthDateMatchNeedsTheOfficersConfirmation() async throws {
        let s = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let check = CheckPersonViewModel(session: s, language: .en)

        // Not enrolled yet: no station key, the file is refused.
        let early = await check.importRegistry(at: Synthetic.registryURL)
        XCTAssertNil(early)
        XCTAssertEqual(check.error?.kind, .invalidRegistry)
        let notHex = await check.trustStation(publicKeyHex: "not a key")
        XCTAssertFalse(notHex)
        XCTAssertEqual(check.error?.field, "public_key")
        // Setting the key by hand needs a signed-in supervisor (enrolment does it by itself).
        let signIn = SignInViewModel(session: s, language: .en)
        _ = try await unwrapped { await signIn.createProfile(role: .supervisor, name: Synthetic.supervisorName, badge: Synthetic.supervisorBadge, pin: Synthetic.supervisorPin) }
        signIn.pin = Synthetic.supervisorPin
        _ = try await unwrapped { await signIn.unlock() }
        await check.loadProfile()
        XCTAssertTrue(check.canTrustStation)
        let trusted = await check.trustStation(publicKeyHex: Synthetic.stationKey.uppercased())
        XCTAssertTrue(trusted)
        XCTAssertNil(check.error)

        // An altered copy does not verify; nothing changes.
        let original = try String(contentsOf: Synthetic.registryURL, encoding: .utf8)
        let altered = try file("altered.jsonl", Data(original.replacingOccurrences(of: "\"past_violations\":1", with: "\"past_violations\":0").utf8))
        let refused = await check.importRegistry(at: altered)
        XCTAssertNil(refused)
        XCTAssertEqual(check.error?.kind, .invalidRegistry)

        let imported = await check.importRegistry(at: Synthetic.registryURL)
        XCTAssertEqual(imported?.sequence, 1)
        XCTAssertEqual(imported?.rows, 1)
        let replay = await check.importRegistry(at: Synthetic.registryURL)
        XCTAssertNil(replay)
        XCTAssertEqual(check.error?.kind, .invalidRegistry, "out of sequence")

        // No IIN at hand: name (any spacing and case) and date of birth.
        check.name = "  nurlan   SAMPLEULY "
        XCTAssertFalse(check.canCheck, "a date of birth is needed with a name")
        check.dateOfBirth = DateComponents(year: 1990, month: 11, day: 2)
        XCTAssertTrue(check.canCheck)
        XCTAssertEqual(check.makeQuery(), PersonQuery(iin: nil, name: "nurlan   SAMPLEULY", dateOfBirth: "1990-11-02", currentCase: nil))
        let pending = await check.check()
        XCTAssertEqual(pending, .confirmIdentity(displayName: "Nurlan Sampleuly (synthetic registry record)"))
        XCTAssertTrue(check.needsConfirmation)
        XCTAssertNil(check.record, "nothing is shown as his before the officer confirms")
        XCTAssertNil(check.birthDateText)
        XCTAssertFalse(check.isRepeatOffender)
        XCTAssertTrue(check.activeOrders.isEmpty)

        check.confirm(samePerson: true)
        XCTAssertFalse(check.needsConfirmation)
        XCTAssertTrue(check.isRepeatOffender)
        XCTAssertEqual(check.record?.matchKind, .nameAndBirthDate)
        XCTAssertEqual(check.record?.pastViolations, 1)
        XCTAssertEqual(check.record?.earlierCases, 2)
        XCTAssertEqual(check.record?.registrySequence, 1)
        XCTAssertEqual(check.activeOrders.map(\.number), ["PO-OTHERUNIT-2026-00042"])
        XCTAssertEqual(check.activeOrders.first?.source, .registry)
        XCTAssertEqual(check.activeOrders.first?.prohibitions.map(check.prohibitionText),
                       ["Call or make any other contact against their will", "Visit the protected person against their will"])

        // The birth date the registry has, and how fresh the registry is (produced by the
        // station on 2026-11-20), in the officer's language.
        XCTAssertEqual(check.record?.birthDate, "1990-11-02")
        let born = try XCTUnwrap(check.birthDateText)
        XCTAssertEqual(born, UserMessages.day("1990-11-02", .en))
        XCTAssertTrue(born.contains("1990") && !born.contains("1990-11-02"), born)
        let produced = try XCTUnwrap(check.record?.registryGeneratedAt)
        XCTAssertEqual(produced, Dates.rfc3339("2026-11-20T00:00:00Z"))
        let threeDaysLater = produced.addingTimeInterval(3 * 86_400 + 12 * 3600)
        let age = Dates.days(from: produced, to: threeDaysLater)
        XCTAssertEqual(check.registryFreshness(now: threeDaysLater), .current(days: age))
        XCTAssertEqual(check.registryLine(now: threeDaysLater), "Station registry of \(UserMessages.dateTime(produced, .en)) (\(age) days old).")
        XCTAssertEqual(check.registryFreshness(now: produced.addingTimeInterval(3600)), .current(days: Dates.days(from: produced, to: produced.addingTimeInterval(3600))))
        let monthLater = produced.addingTimeInterval(30 * 86_400)
        XCTAssertEqual(check.registryFreshness(now: monthLater), .stale(days: Dates.days(from: produced, to: monthLater)))
        XCTAssertTrue(check.registryLine(now: monthLater)?.hasPrefix("The station registry is out of date: ") == true)
        check.language = .ru
        XCTAssertTrue(check.birthDateText?.contains("1990") == true)
        XCTAssertTrue(check.registryLine(now: monthLater)?.hasPrefix("Реестр отдела устарел: ") == true)
        check.language = .kk
        XCTAssertTrue(check.registryLine(now: threeDaysLater)?.hasSuffix("(\(age) күн бұрын).") == true, check.registryLine(now: threeDaysLater) ?? "nil")
        check.language = .en

        // The officer says the record is someone else: nothing is shown.
        await check.check()
        check.confirm(samePerson: false)
        XCTAssertEqual(check.outcome, .notThisPerson)
        XCTAssertNil(check.record)
        XCTAssertFalse(check.isRepeatOffender)

        // Editing the form clears the answer; another birth date matches nobody.
        check.dateOfBirth = DateComponents(year: 1990, month: 11, day: 3)
        XCTAssertEqual(check.outcome, .notChecked)
        let other = await check.check()
        XCTAssertEqual(other, .noRecord)

        // An invalid IIN: refused as typed, and by the core if sent anyway.
        check.iin = Synthetic.invalidIin
        XCTAssertEqual(check.iinStatus, .invalid(message: QorgauAppError(kind: .invalidIin(.checkDigitMismatch), language: .en).message))
        XCTAssertFalse(check.canCheck)
        await check.check()
        XCTAssertEqual(check.error?.kind, .invalidIin(.checkDigitMismatch))
        XCTAssertEqual(check.outcome, .notChecked)
        check.clear()
        XCTAssertEqual(check.iin, "")
        XCTAssertEqual(check.makeQuery(), PersonQuery(iin: nil, name: nil, dateOfBirth: nil, currentCase: nil))
        await check.check()
        XCTAssertEqual(check.error?.kind, .invalidInput(field: "query"))
    }
}
