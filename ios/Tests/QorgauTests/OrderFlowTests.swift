import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// A scene with a case, the survivor and the alleged aggressor, for the field-work tests.
struct Scene {
    let session: FieldSession
    let caseId: Uuid
    let survivor: Person
    let aggressor: Person

    @MainActor
    static func make(in dir: URL) async throws -> Scene {
        let s = try await FieldSession.openOrInit(directory: dir, keyStore: MemoryKeyStore(), profile: Synthetic.profile)
        let (caseId, survivor, aggressor) = try await s.perform { store -> (Uuid, Person, Person) in
            let c = try store.openCase(newCase: Synthetic.neighbourReport).record.id
            return (c, try store.addPerson(caseId: c, person: Synthetic.survivor).record,
                    try store.addPerson(caseId: c, person: Synthetic.aggressor).record)
        }
        return Scene(session: s, caseId: caseId, survivor: survivor, aggressor: aggressor)
    }
}

/// Protection orders and the check at the scene, driven through the view models as the screens
/// do, against the real library: issue → serve (signature drawn on the pad) → PDF and QR →
/// violation → the aggressor is flagged as a repeat offender.
final class OrderFlowTests: TempDirTestCase {
    @MainActor
    func testIssueServeCheckPersonQrAndPdf() async throws {
        let scene = try await Scene.make(in: storeDir)
        let s = scene.session

        // Before any order: nothing known about him (the current case is not an earlier one).
        let check = CheckPersonViewModel(session: s, currentCase: scene.caseId, language: .en)
        XCTAssertFalse(check.canCheck)
        check.iin = Synthetic.aggressorIin
        XCTAssertEqual(check.iinStatus, .valid)
        XCTAssertTrue(check.canCheck)
        let before = await check.check()
        XCTAssertEqual(before, .noRecord)
        XCTAssertFalse(check.isRepeatOffender)

        // Issue: defaults from the case, prohibitions from the rule table in the UI language.
        let vm = OrderViewModel(session: s, caseId: scene.caseId, language: .kk)
        await vm.load()
        XCTAssertNil(vm.error)
        XCTAssertEqual(vm.rules?.termDays, 30)
        XCTAssertEqual(vm.restrictedPersonId, scene.aggressor.id)
        XCTAssertEqual(vm.protectedPersonIds, [scene.survivor.id])
        XCTAssertEqual(vm.restrictablePeople.map(\.id), [scene.aggressor.id])
        XCTAssertEqual(vm.prohibitionChoices.count, 5)
        XCTAssertTrue(vm.prohibitionText("contact").contains("байланыс"), vm.prohibitionText("contact"))
        XCTAssertTrue(vm.violationConsequence?.contains("461") ?? false)
        XCTAssertFalse(vm.canIssue, "no prohibition chosen yet")
        vm.prohibitions = ["contact", "commit_violence", "visit"]
        vm.survivorOpinion = "Wants protection (synthetic)"
        XCTAssertTrue(vm.canIssue)
        let issued = await vm.issue()
        XCTAssertNil(vm.error)
        let order = try XCTUnwrap(issued).record
        XCTAssertTrue(order.number.hasPrefix("PO-"), order.number)
        XCTAssertEqual(order.prohibitions, ["commit_violence", "visit", "contact"], "in the rule table's order")
        XCTAssertEqual(order.validUntil.timeIntervalSince(order.validFrom), 30 * 86_400, accuracy: 1)
        XCTAssertEqual(order.issuedBy, Synthetic.officer.badge)
        XCTAssertEqual(vm.selected?.order.id, order.id)
        XCTAssertEqual(OrderViewModel.state(of: try XCTUnwrap(vm.selected)), .awaitingService)

        // Serve: the restricted person signs on the pad; the PNG is made in Swift, checked by the core.
        let nothing = await vm.serveSigned()
        XCTAssertNil(nothing, "an empty pad is not a signature")
        vm.signature = Synthetic.signature
        let served = await vm.serveSigned()
        XCTAssertNil(vm.error)
        guard case let .served(service: .signed(signatureSha256: sha))? = served?.record.event else {
            return XCTFail("\(String(describing: served))")
        }
        XCTAssertEqual(sha, sha256Hex(Synthetic.signature.png()))
        XCTAssertTrue(vm.signature.isEmpty, "the pad is cleared")
        XCTAssertEqual(OrderViewModel.state(of: try XCTUnwrap(vm.selected)), .inForce)
        XCTAssertNotNil(vm.selected?.servedAt)
        vm.witnesses = ["Gulnara Fictiva (neighbour)", " "]
        let twice = await vm.serveRefused()
        XCTAssertNil(twice)
        XCTAssertEqual(vm.error?.kind, .conflict)

        // The printable order, for the share sheet.
        let pdf = try await unwrapped { await vm.makePdf(copy: .served, languages: [.kk, .ru]) }
        XCTAssertEqual(String(decoding: pdf.prefix(4), as: UTF8.self), "%PDF")
        let url = try XCTUnwrap(try vm.writePdf(to: tmp.appendingPathComponent("share"), copy: .served))
        XCTAssertTrue(url.lastPathComponent.hasSuffix("-served.pdf"), url.lastPathComponent)
        XCTAssertEqual(try Data(contentsOf: url), pdf)
        let police = try await unwrapped { await vm.makePdf(copy: .policeFile, languages: [.en]) }
        XCTAssertEqual(String(decoding: police.prefix(4), as: UTF8.self), "%PDF")

        // The signed QR code verifies offline; a code cut short is refused as InvalidQr.
        let qr = try await unwrapped { await vm.loadQr(scale: 4) }
        XCTAssertTrue(qr.hasPrefix("QORGAU1."))
        XCTAssertEqual(vm.qrPng?.prefix(8), Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let scan = OrderQrViewModel(session: s, language: .ru)
        let verified = try await unwrapped { await scan.verify(qr) }
        // The core's typed answer (VerifiedOrderCode): times as Date, the issuing device.
        XCTAssertEqual(verified.code.number, order.number)
        XCTAssertEqual(verified.code.restricted, Synthetic.aggressorIin)
        XCTAssertEqual(verified.code.protected, ["A.T."], "initials only, never a full name")
        XCTAssertEqual(verified.code.prohibitions, ["commit_violence", "visit", "contact"])
        XCTAssertEqual(verified.code.deviceId.count, 32)
        XCTAssertEqual(verified.validUntil.timeIntervalSince1970, order.validUntil.timeIntervalSince1970, accuracy: 1)
        XCTAssertEqual(verified.validFrom.timeIntervalSince1970, order.validFrom.timeIntervalSince1970, accuracy: 1)
        XCTAssertEqual(verified.issuedAt.timeIntervalSinceNow, 0, accuracy: 600)
        // The times as the officer reads them, in the screen's language (Russian here).
        XCTAssertEqual(verified.validUntilText, UserMessages.dateTime(verified.validUntil, .ru))
        XCTAssertEqual(verified.validFromText, UserMessages.dateTime(verified.validFrom, .ru))
        XCTAssertEqual(verified.issuedAtText, UserMessages.dateTime(verified.issuedAt, .ru))
        XCTAssertFalse(verified.validUntilText.contains("T"), verified.validUntilText)
        let year = String(Dates.gregorian.component(.year, from: verified.validUntil))
        XCTAssertTrue(verified.validUntilText.contains(year), verified.validUntilText)
        XCTAssertEqual(verified.prohibitions, ["Совершать насилие в семье (бытовое насилие)", "Посещать защищаемое лицо против его воли",
                                               "Звонить и вступать в иные контакты против его воли"])
        await scan.scanned(qr)
        XCTAssertEqual(scan.result.value, verified, "a repeat of the code on screen is ignored")

        let cut = String(qr.dropLast(10))
        let refused = await scan.verify(cut)
        XCTAssertNil(refused)
        let qrError = try XCTUnwrap(scan.result.error)
        XCTAssertEqual(qrError.kind, .invalidQr(.malformed))
        XCTAssertQorgauError(try s.store.verifyOrderQr(text: cut), "InvalidQr(.malformed)") {
            if case .InvalidQr(.malformed, _) = $0 { return true }
            return false
        }
        // The content altered (another order number), the signature kept: tampered.
        let tampered = try Self.qr(qr, replacing: order.number, with: "PO-FORGED-0001")
        XCTAssertQorgauError(try s.store.verifyOrderQr(text: tampered), "InvalidQr(.tampered)") {
            if case .InvalidQr(.tampered, _) = $0 { return true }
            return false
        }
        let forged = await scan.verify(tampered)
        XCTAssertNil(forged)
        XCTAssertEqual(scan.result.error?.kind, .invalidQr(.tampered))
        XCTAssertEqual(scan.result.error?.isSecurityFailure, true)

        // A violation: at the next check he is a repeat offender with the order in force.
        let violation = await vm.recordViolation(description: "Called the survivor 14 times (synthetic)")
        XCTAssertNotNil(violation)
        XCTAssertEqual(vm.selected?.violations, 1)
        let after = await check.check()
        guard case let .record(record) = after else { return XCTFail("\(after)") }
        XCTAssertEqual(record.matchKind, .iin)
        XCTAssertTrue(check.isRepeatOffender)
        XCTAssertEqual(record.pastViolations, 1)
        XCTAssertEqual(check.activeOrders.map(\.number), [order.number])
        XCTAssertEqual(check.activeOrders.first?.source, .thisDevice)
        XCTAssertEqual(check.prohibitionText("visit"), "Visit the protected person against their will")

        // Extend (with a reason), then revoke: no order in force, still a repeat offender.
        let blank = await vm.extend(until: order.validUntil.addingTimeInterval(10 * 86_400), reason: " ")
        XCTAssertNil(blank)
        XCTAssertEqual(vm.error?.kind, .invalidInput(field: "reason"))
        let extended = await vm.extend(until: order.validUntil.addingTimeInterval(10 * 86_400), reason: "Survivor still at risk (synthetic)")
        XCTAssertNotNil(extended)
        XCTAssertEqual(try XCTUnwrap(vm.selected).validUntil.timeIntervalSince(order.validUntil), 10 * 86_400, accuracy: 1)
        let tooLong = await vm.extend(until: order.validFrom.addingTimeInterval(90 * 86_400), reason: "too long")
        XCTAssertNil(tooLong)
        XCTAssertEqual(vm.error?.kind, .invalidInput(field: "valid_until"))
        let revoked = await vm.revoke(reason: "Court decision (synthetic)")
        XCTAssertNotNil(revoked)
        XCTAssertEqual(OrderViewModel.state(of: try XCTUnwrap(vm.selected)), .revoked)
        let again = await vm.revoke(reason: "again")
        XCTAssertNil(again)
        XCTAssertEqual(vm.error?.kind, .conflict)
        await check.check()
        XCTAssertTrue(check.activeOrders.isEmpty)
        XCTAssertTrue(check.isRepeatOffender)
        XCTAssertEqual(vm.selected?.events.count, 4, "served, violated, extended, revoked")

        let caseId = scene.caseId
        let report = try await s.perform { try $0.verify(caseId: caseId) }
        XCTAssertTrue(report.ok)
    }

    @MainActor
    func testIssueRefusalsComeBackAsFieldMessages() async throws {
        let scene = try await Scene.make(in: storeDir)
        let vm = OrderViewModel(session: scene.session, caseId: scene.caseId, language: .en)
        await vm.load()
        vm.prohibitions = ["contact"]
        vm.restrictedPersonId = scene.survivor.id
        XCTAssertTrue(vm.protectedPersonIds.isEmpty, "the restricted person is never protected")
        vm.protectedPersonIds = [scene.aggressor.id]
        let wrong = await vm.issue()
        XCTAssertNil(wrong)
        XCTAssertEqual(vm.error?.kind, .invalidInput(field: "restricted_person"))
        XCTAssertTrue(vm.orders.isEmpty)

        // Refused in front of a witness, on an order with a pre-printed form number.
        vm.restrictedPersonId = scene.aggressor.id
        vm.protectedPersonIds = [scene.survivor.id]
        vm.number = "AST-2026-000123"
        let issued = await vm.issue()
        XCTAssertEqual(issued?.record.number, "AST-2026-000123")
        vm.witnesses = []
        let noWitness = await vm.serveRefused()
        XCTAssertNil(noWitness)
        XCTAssertEqual(vm.error?.kind, .invalidInput(field: "witnesses"))
        vm.witnesses = ["Gulnara Fictiva (neighbour)"]
        let refused = await vm.serveRefused()
        guard case let .served(service: .refusedToSign(witnesses))? = refused?.record.event else { return XCTFail() }
        XCTAssertEqual(witnesses, ["Gulnara Fictiva (neighbour)"])
        let outside = await vm.recordViolation(description: "Before the order (synthetic)", occurredAt: Date(timeIntervalSinceNow: -86_400))
        XCTAssertNil(outside)
        XCTAssertEqual(vm.error?.kind, .invalidInput(field: "occurred_at"))
    }

    /// The order's QR text with its signed content changed (base64url JSON between the prefix and
    /// the signature), the signature left as it was.
    static func qr(_ text: String, replacing old: String, with new: String) throws -> String {
        let prefix = "QORGAU1."
        let parts = text.dropFirst(prefix.count).split(separator: ".", maxSplits: 1).map(String.init)
        XCTAssertEqual(parts.count, 2)
        var b64 = parts[0].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        let json = String(decoding: try XCTUnwrap(Data(base64Encoded: b64)), as: UTF8.self)
        XCTAssertTrue(json.contains(old), json)
        let altered = Data(json.replacingOccurrences(of: old, with: new).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return prefix + altered + "." + parts[1]
    }

    func testSignaturePngIsSmallAndWellFormed() throws {
        var empty = SignatureDrawing()
        XCTAssertTrue(empty.isEmpty)
        empty.begin(at: .init(x: 10, y: 10))
        XCTAssertTrue(empty.isEmpty, "a tap is not a signature")
        let d = Synthetic.signature
        XCTAssertFalse(d.isEmpty)
        let png = d.png()
        XCTAssertEqual(png.prefix(8), Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        XCTAssertLessThan(png.count, 20_000, "1200x480 greyscale, compressed")
        XCTAssertEqual(d.png(), png, "deterministic")
        XCTAssertEqual(PNG.crc32(Array("IEND".utf8)), 0xAE42_6082)
        XCTAssertEqual(PNG.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        // Points outside the pad are kept on its edge.
        var edge = SignatureDrawing(width: 100, height: 50)
        edge.begin(at: .init(x: -5, y: 70))
        XCTAssertEqual(edge.strokes, [[.init(x: 0, y: 50)]])
    }
}

/// SHA-256 in pure Swift (Linux has no CryptoKit), to compare with the core's hash of the signature.
func sha256Hex(_ data: Data) -> String {
    var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
        0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
        0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
        0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
        0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
        0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
    var msg = [UInt8](data)
    let bits = UInt64(msg.count) * 8
    msg.append(0x80)
    while msg.count % 64 != 56 { msg.append(0) }
    for i in (0..<8).reversed() { msg.append(UInt8((bits >> (UInt64(i) * 8)) & 0xFF)) }
    func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
    for chunk in stride(from: 0, to: msg.count, by: 64) {
        var w = [UInt32](repeating: 0, count: 64)
        for i in 0..<16 {
            w[i] = (0..<4).reduce(0) { ($0 << 8) | UInt32(msg[chunk + i * 4 + $1]) }
        }
        for i in 16..<64 {
            let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        for i in 0..<64 {
            let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
            let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
            (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
        }
        for (i, v) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ v }
    }
    return h.map { String(format: "%08x", $0) }.joined()
}
