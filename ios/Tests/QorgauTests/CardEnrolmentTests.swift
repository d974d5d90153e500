import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// Enrolment by the duty officer's card against a real station serving https under its own root
/// (`serve`'s default): the card's text from `enrolment-code --print card` → `parseEnrolmentCard`
/// (no network) → `enrolWithCard` → sync over https; refusals of plain http to another machine
/// and of a card whose fingerprints are not the station's, with nothing stored; and the sync
/// screen's card path (scan → confirm or cancel → enrolled, with the fingerprints shown).
final class CardEnrolmentTests: TempDirTestCase {
    private var station: StationProcess!

    /// A documentation address (TEST-NET-1, RFC 5737): nothing answers there.
    static let plainHTTPElsewhere = "http://192.0.2.10:8440"

    override func setUpWithError() throws {
        try super.setUpWithError()
        try StationProcess.requireBinary()
        station = try StationProcess(dataDir: tmp.appendingPathComponent("station"), transport: .stationTLS)
    }

    override func tearDownWithError() throws {
        station?.stop()
        station = nil
        try super.tearDownWithError()
    }

    // ---- helpers ------------------------------------------------------------------------------

    /// A case with the survivor and the photo fixture: three records and one original waiting.
    private static func caseWithPhoto(_ store: QorgauStore) throws {
        let caseId = try store.openCase(newCase: Synthetic.neighbourReport).record.id
        _ = try store.addPerson(caseId: caseId, person: Synthetic.survivor)
        _ = try store.addEvidenceFile(caseId: caseId, path: Synthetic.photoURL.path, expected: .photo, capture: Synthetic.noCapture, progress: nil)
    }

    private var photoSize: UInt64 {
        get throws { UInt64(try Data(contentsOf: Synthetic.photoURL).count) }
    }

    /// The value of `field` (`url`, `code`, `ca`, `key`) in a card's text.
    private static func field(_ name: String, of card: String) -> String? {
        card.split(separator: ";").first { $0.hasPrefix("\(name)=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// The card with `field`'s value replaced.
    private static func card(_ card: String, with name: String, _ value: String) -> String {
        card.split(separator: ";").map { $0.hasPrefix("\(name)=") ? "\(name)=\(value)" : String($0) }.joined(separator: ";")
    }

    /// A fingerprint (64 hex digits) with its last digit changed.
    private static func altered(_ hex: String) -> String {
        String(hex.dropLast()) + (hex.hasSuffix("0") ? "1" : "0")
    }

    /// 64 hex digits in upper case, grouped by four: "AB12 CD34 … (16 groups)".
    private static func grouped(_ hex: String) -> String {
        stride(from: 0, to: hex.count, by: 4).map { i -> String in
            let s = hex.index(hex.startIndex, offsetBy: i)
            return String(hex[s..<hex.index(s, offsetBy: 4)]).uppercased()
        }.joined(separator: " ")
    }

    private static let groupedFingerprint = try! NSRegularExpression(pattern: "^[0-9A-F]{4}( [0-9A-F]{4}){15}$")

    private static func isGroupedFingerprint(_ s: String?) -> Bool {
        guard let s else { return false }
        return groupedFingerprint.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    // ---- the bindings ---------------------------------------------------------------------------

    func testCardIsParsedThenEnrolsWithTheRootPinnedAndSyncsOverHTTPS() throws {
        let card = try station.enrolmentCard(officer: "KZ-DEMO-0417", unit: "DV team 3 (synthetic)")
        XCTAssertTrue(card.hasPrefix("QORGAU-ENROL:1;url=\(station.url);code="), card)
        let caHex = try XCTUnwrap(Self.field("ca", of: card))
        let keyHex = try XCTUnwrap(Self.field("key", of: card))
        XCTAssertEqual(caHex.count, 64)
        XCTAssertEqual(keyHex.count, 64)

        // Read without contacting anyone: the address and both fingerprints, grouped by four,
        // the same as `serve` printed on the station's console.
        let info = try parseEnrolmentCard(text: card)
        XCTAssertEqual(info.stationUrl, station.url)
        XCTAssertTrue(Self.isGroupedFingerprint(info.tlsRootFingerprint), info.tlsRootFingerprint ?? "nil")
        XCTAssertTrue(Self.isGroupedFingerprint(info.stationKeyFingerprint), info.stationKeyFingerprint ?? "nil")
        XCTAssertEqual(info.tlsRootFingerprint, Self.grouped(caHex))
        XCTAssertEqual(info.stationKeyFingerprint, Self.grouped(keyHex))
        let console = station.outputText
        XCTAssertTrue(console.contains("TLS root fingerprint    \(Self.grouped(caHex))"), console)
        XCTAssertTrue(console.contains("station key fingerprint \(Self.grouped(keyHex))"), console)

        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        try Self.caseWithPhoto(store)
        let enrolment = try store.enrolWithCard(card: card)
        XCTAssertTrue(enrolment.tlsRootPinned)
        XCTAssertEqual(enrolment.officer, "KZ-DEMO-0417")
        XCTAssertEqual(enrolment.unit, "DV team 3 (synthetic)")
        XCTAssertEqual(enrolment.stationUrl, station.url)
        XCTAssertEqual(enrolment.stationKeyFingerprint, info.stationKeyFingerprint)
        XCTAssertEqual(try store.station(), station.url)

        let report = try store.sync(progress: nil)
        XCTAssertEqual(report.acked, 3)
        XCTAssertTrue(report.rejected.isEmpty, "\(report.rejected)")
        XCTAssertEqual(report.uploadedBytes, try photoSize)
        XCTAssertEqual(report.pendingAfter, 0)
        let after = try store.syncStatus()
        XCTAssertEqual(after.pendingRecords, 0)
        XCTAssertNotNil(after.lastSuccessAt)
    }

    func testTypedCodeOverHTTPSPinsTheRootTheAuthenticatedAnswerNames() throws {
        // A second phone that had only the address and the code read out: the station's answer,
        // authenticated by the code, names the root; the phone checks the certificate against it.
        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        try Self.caseWithPhoto(store)
        let enrolment = try store.enrol(stationUrl: station.url, code: try station.enrolmentCode())
        XCTAssertTrue(enrolment.tlsRootPinned)
        XCTAssertEqual(enrolment.officer, "KZ-DEMO-0417")
        let keyHex = try XCTUnwrap(Self.field("key", of: try station.enrolmentCard()))
        XCTAssertEqual(enrolment.stationKeyFingerprint, Self.grouped(keyHex))
        XCTAssertEqual(try store.sync(progress: nil).acked, 3)
    }

    func testPlainHTTPToAnotherMachineIsRefusedWithoutANetworkCallAndNothingStored() throws {
        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        try Self.caseWithPhoto(store)
        let started = Date()

        XCTAssertQorgauError(try store.enrol(stationUrl: Self.plainHTTPElsewhere, code: try station.enrolmentCode()), "InvalidInput") {
            if case let .InvalidInput(field, _) = $0 { return field == "station" }
            return false
        }
        XCTAssertNil(try store.station())

        // The core names the field "station" (the card's address): a kind, decided by field.
        let card = Self.card(try station.enrolmentCard(), with: "url", Self.plainHTTPElsewhere)
        let stationField: (QorgauError) -> Bool = { if case let .InvalidInput(field, _) = $0 { return field == "station" }; return false }
        XCTAssertQorgauError(try parseEnrolmentCard(text: card), "InvalidInput(station)", stationField)
        XCTAssertQorgauError(try store.enrolWithCard(card: card), "InvalidInput(station)", stationField)
        XCTAssertNil(try store.station(), "nothing stored")
        XCTAssertEqual(try store.syncStatus().pendingRecords, 3, "nothing sent")
        XCTAssertNil(try store.syncStatus().lastProblem, "no sync was tried")
        // Refused before any connection: an attempt to 192.0.2.10 would wait for the 10 s timeout.
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)

        // On the card screen the refused address is the card's fault: its own kind.
        do {
            _ = try parseEnrolmentCard(text: card)
            XCTFail("read a card with plain http to another machine")
        } catch {
            XCTAssertEqual(SyncViewModel.cardScanError(error, language: .ru).kind, .cardAddressRefused)
        }
    }

    func testCardWithAnotherStationKeyOrRootIsRefusedAndNothingStored() throws {
        let store = try QorgauStore.create(dir: storeDir.path, keystore: MemoryKeyStore(), profile: Synthetic.profile)
        try Self.caseWithPhoto(store)
        let genuine = try station.enrolmentCard()

        // The key= fingerprint altered: the card still reads, but the station's key differs.
        let otherKey = Self.card(genuine, with: "key", Self.altered(try XCTUnwrap(Self.field("key", of: genuine))))
        let info = try parseEnrolmentCard(text: otherKey)
        XCTAssertNotEqual(info.stationKeyFingerprint, try parseEnrolmentCard(text: genuine).stationKeyFingerprint)
        XCTAssertQorgauError(try store.enrolWithCard(card: otherKey), "Sync(.enrolmentNotAuthentic)") {
            if case .Sync(.enrolmentNotAuthentic, _) = $0 { return true }
            return false
        }
        XCTAssertNil(try store.station(), "nothing stored")

        // The ca= fingerprint altered: the TLS handshake is refused.
        let otherRoot = Self.card(genuine, with: "ca", Self.altered(try XCTUnwrap(Self.field("ca", of: genuine))))
        XCTAssertQorgauError(try store.enrolWithCard(card: otherRoot), "Sync(.untrustedCertificate)") {
            if case .Sync(.untrustedCertificate, _) = $0 { return true }
            return false
        }
        XCTAssertNil(try store.station(), "nothing stored")
        XCTAssertEqual(try store.syncStatus().pendingRecords, 3)
        XCTAssertQorgauError(try store.sync(progress: nil), "Sync(.notEnrolled)") {
            if case .Sync(.notEnrolled, _) = $0 { return true }
            return false
        }

        // The genuine card still enrols this device afterwards.
        XCTAssertTrue(try store.enrolWithCard(card: genuine).tlsRootPinned)
        XCTAssertEqual(try store.station(), station.url)
        XCTAssertEqual(try store.sync(progress: nil).acked, 3)
    }

    // ---- the sync screen ------------------------------------------------------------------------

    @MainActor
    func testSyncScreenScansConfirmsAndShowsTheFingerprints() async throws {
        let session = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        try await session.perform { try CardEnrolmentTests.caseWithPhoto($0) }
        let size = try photoSize
        let vm = SyncViewModel(session: session, language: .en)
        await vm.refresh()
        XCTAssertEqual(vm.state, .notEnrolled)
        XCTAssertTrue(vm.canScanCard)

        // Something that is not a card (an order's QR code, say): refused in plain words, and
        // the camera reporting the same code again changes nothing.
        XCTAssertFalse(vm.cardScanned("QORGAU-ORDER:1;n=PO-1"))
        XCTAssertNil(vm.pendingCard)
        XCTAssertEqual(vm.error?.kind, .invalidInput(field: "enrolment card"))
        var changes = 0
        vm.onChange = { changes += 1 }
        XCTAssertFalse(vm.cardScanned("QORGAU-ORDER:1;n=PO-1"))
        XCTAssertEqual(changes, 0, "a repeat of the code on screen is ignored")
        vm.onChange = nil

        // The card: shown for confirmation, nothing sent yet.
        let card = try station.enrolmentCard()
        let info = try parseEnrolmentCard(text: card)
        XCTAssertTrue(vm.cardScanned(card + "\n"))
        XCTAssertNil(vm.error)
        let pending = try XCTUnwrap(vm.pendingCard)
        XCTAssertEqual(pending.info, info)
        XCTAssertFalse(pending.isPlainHTTP)
        XCTAssertTrue(vm.canConfirmCard)
        XCTAssertFalse(vm.canScanCard)
        XCTAssertNil(vm.cardWarning, "both fingerprints on the card, https")
        XCTAssertEqual(vm.cardPrompt, "Compare the station's address and both fingerprints with what is written on the card the duty officer showed or printed. Enrol only if everything matches.")
        vm.language = .kk
        XCTAssertTrue(vm.cardPrompt?.hasPrefix("Бөлімнің мекенжайы мен екі саусақ ізін") == true, vm.cardPrompt ?? "nil")
        vm.language = .en
        XCTAssertFalse(vm.cardScanned(try station.enrolmentCard()), "another scan while a card waits is ignored")
        XCTAssertEqual(vm.pendingCard, pending)
        let stored = try await session.perform { try $0.station() }
        XCTAssertNil(stored, "nothing sent or stored before the officer confirms")

        // Cancelled: nothing happened.
        vm.cancelCard()
        XCTAssertNil(vm.pendingCard)
        XCTAssertNil(vm.error)
        XCTAssertFalse(vm.isEnrolled)
        XCTAssertFalse(vm.canConfirmCard)
        let confirmedNothing = await vm.confirmCard()
        XCTAssertFalse(confirmedNothing)

        // Scanned again and confirmed: enrolled off the main thread, "enrolling" while it runs.
        XCTAssertTrue(vm.cardScanned(card))
        var sawEnrolling = false
        var offMain = false
        vm.onChange = { [unowned vm] in
            if vm.isEnrolling { sawEnrolling = true }
            if !Thread.isMainThread { offMain = true }
        }
        let confirmed = await vm.confirmCard()
        vm.onChange = nil
        XCTAssertTrue(confirmed, "\(String(describing: vm.error))")
        XCTAssertTrue(sawEnrolling)
        XCTAssertFalse(offMain, "the screen changes on the main thread")
        XCTAssertNil(vm.error)
        XCTAssertNil(vm.pendingCard, "the card (with its code) is not kept")
        XCTAssertTrue(vm.isEnrolled)
        XCTAssertEqual(vm.station, station.url)
        XCTAssertEqual(vm.stationUrl, station.url)
        let e = try XCTUnwrap(vm.enrolled)
        XCTAssertTrue(e.byCard)
        XCTAssertTrue(e.tlsRootPinned)
        XCTAssertEqual(e.officer, "KZ-DEMO-0417")
        XCTAssertEqual(e.tlsRootFingerprint, info.tlsRootFingerprint)
        XCTAssertEqual(e.stationKeyFingerprint, info.stationKeyFingerprint)
        XCTAssertEqual(vm.enrolledLine, "Enrolled: KZ-DEMO-0417, DV team 3 (synthetic). The connection is encrypted and trusts only this station's root certificate.")
        vm.language = .ru
        XCTAssertEqual(vm.enrolledLine, "Подключено: KZ-DEMO-0417, DV team 3 (synthetic). Связь зашифрована, доверие только корневому сертификату этого отдела.")
        vm.language = .en
        XCTAssertEqual(vm.state, .waiting(records: 3, bytes: size))

        let report = try await unwrapped { await vm.syncNow() }
        XCTAssertEqual(report.acked, 3)
        XCTAssertEqual(report.uploadedBytes, size)
        XCTAssertEqual(vm.state, .allSent)
        XCTAssertEqual(vm.headline, "Everything has been sent to the station.")
    }

    @MainActor
    func testSyncScreenRefusesAStationThatIsNotTheCardsAndPlainHTTP() async throws {
        let session = try await FieldSession.openOrInit(directory: storeDir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let vm = SyncViewModel(session: session, language: .kk)
        await vm.refresh()
        let genuine = try station.enrolmentCard()

        // Another station key on the card: refused after confirmation, in Kazakh; the card stays
        // on screen with the reason, nothing is stored.
        let otherKey = Self.card(genuine, with: "key", Self.altered(try XCTUnwrap(Self.field("key", of: genuine))))
        XCTAssertTrue(vm.cardScanned(otherKey))
        var confirmed = await vm.confirmCard()
        XCTAssertFalse(confirmed)
        XCTAssertEqual(vm.error?.kind, .stationNotOnCard)
        XCTAssertEqual(vm.error?.language, .kk)
        XCTAssertEqual(vm.error?.isSecurityFailure, true)
        XCTAssertNotNil(vm.pendingCard)
        XCTAssertFalse(vm.isEnrolled)
        XCTAssertNil(vm.enrolled)
        vm.cancelCard()

        // Another TLS root on the card: the same plain message (the station is not the card's).
        vm.language = .en
        let otherRoot = Self.card(genuine, with: "ca", Self.altered(try XCTUnwrap(Self.field("ca", of: genuine))))
        XCTAssertTrue(vm.cardScanned(otherRoot))
        confirmed = await vm.confirmCard()
        XCTAssertFalse(confirmed)
        XCTAssertEqual(vm.error?.kind, .stationNotOnCard)
        vm.cancelCard()
        var stored = try await session.perform { try $0.station() }
        XCTAssertNil(stored)

        // Plain http to another machine: a card with such an address is not even shown.
        let plainCard = Self.card(genuine, with: "url", Self.plainHTTPElsewhere)
        XCTAssertFalse(vm.cardScanned(plainCard))
        XCTAssertNil(vm.pendingCard)
        XCTAssertEqual(vm.error?.kind, .cardAddressRefused)

        // Typed by hand (the fallback): refused before any network call, with a plain message.
        vm.stationUrl = Self.plainHTTPElsewhere
        vm.code = try station.enrolmentCode()
        XCTAssertTrue(vm.canEnrol, "the form is complete; the address is refused on enrol")
        var enrolled = await vm.enrol()
        XCTAssertFalse(enrolled)
        XCTAssertEqual(vm.error?.kind, .plainHTTPRefused)
        vm.language = .kk
        stored = try await session.perform { try $0.station() }
        XCTAssertNil(stored)
        let tried = try await session.perform { try $0.syncStatus().lastProblem }
        XCTAssertNil(tried, "no network call was made")

        // The genuine card and the https address typed by hand both still work.
        vm.stationUrl = station.url
        enrolled = await vm.enrol()
        XCTAssertTrue(enrolled, "\(String(describing: vm.error))")
        XCTAssertEqual(vm.enrolled?.byCard, false)
        XCTAssertEqual(vm.enrolled?.tlsRootPinned, true)
        XCTAssertTrue(vm.cardScanned(genuine), "enrol again with another card (e.g. a new station)")
        confirmed = await vm.confirmCard()
        XCTAssertTrue(confirmed, "\(String(describing: vm.error))")
        XCTAssertEqual(vm.enrolled?.byCard, true)
        XCTAssertEqual(vm.station, station.url)
    }
}
