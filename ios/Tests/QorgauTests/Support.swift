import Foundation
import XCTest
import QorgauFFI
@testable import Qorgau

/// A test key store implemented in Swift (Linux has no CryptoKit/Keychain): secrets stay in this
/// object's memory, keyed by a random handle, and the handle is what "wrapped" bytes are. So a
/// second key store (another device, a reset Keychain) cannot unwrap them and throws
/// `KeyStoreError.WrongKey`, as the Keychain-backed store does on an authentication failure.
final class MemoryKeyStore: PlatformKeyStore, @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: [Data: (alias: String, secret: Data)] = [:]
    private(set) var wraps = 0
    private(set) var unwraps = 0
    /// When set, every call fails as a locked device's Keychain would.
    var unavailable = false

    func wrap(alias: String, secret: Data) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        if unavailable { throw KeyStoreError.Unavailable(reason: "device locked (test)") }
        wraps += 1
        var rng = SystemRandomNumberGenerator()
        let handle = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) })
        secrets[handle] = (alias, secret)
        return handle
    }

    func unwrap(alias: String, wrapped: Data) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        if unavailable { throw KeyStoreError.Unavailable(reason: "device locked (test)") }
        unwraps += 1
        guard let entry = secrets[wrapped], entry.alias == alias else { throw KeyStoreError.WrongKey }
        return entry.secret
    }
}

/// Synthetic people and scenes only.
enum Synthetic {
    static let survivorIin = "940312402103"
    static let aggressorIin = "901102303307"
    static let invalidIin = "940312402109"
    /// A real birth date and century digit, but no check digit fits its first 11 digits.
    static let noCheckDigitIin = "940312400910"

    static let officer = TeamMember(role: .officer, name: "Aibek Demoulin", badge: "KZ-DEMO-0417")

    /// Sign-in profiles on the shared phone (the first one a supervisor: after that only a
    /// signed-in supervisor creates profiles).
    static let supervisorName = "Dana Supervisorova", supervisorBadge = "KZ-DEMO-SUP-07", supervisorPin = "581326"
    static let officerBadge = "KZ-DEMO-0417", officerPin = "270415"

    static let profile = DeviceProfile(
        label: "Demo unit phone 1",
        unit: "Astana, Almaty district, DV response team 3 (synthetic)",
        officer: officer
    )

    /// A case opened from a neighbour's report, at a synthetic Astana address.
    static let neighbourReport = NewCase(
        location: CaseLocation(point: GeoPoint(lat: 51.1282, lon: 71.4304, accuracyM: 12), address: "Synthetic street 1, flat 1, Astana"),
        trigger: .witnessReport,
        categories: [.physical, .childInvolved],
        team: [officer, TeamMember(role: .psychologist, name: "Saule Examplova", badge: "KZ-DEMO-PSY-02")],
        summary: "Neighbour reported shouting and a child crying (synthetic)."
    )

    static func person(_ role: PersonRole, _ name: String, iin: String?, relation: String? = nil, protected: Bool = false) -> NewPerson {
        NewPerson(role: role, fullName: name, dateOfBirth: nil, relationToSurvivor: relation, phone: "+7 700 000 00 00",
                  address: "Synthetic street 1, flat 1, Astana", iin: iin, identityProtected: protected, addressConfidential: false)
    }

    static let survivor = person(.survivor, "Aigerim Testova", iin: survivorIin)
    static let aggressor = person(.allegedAggressor, "Nurlan Sampleuly", iin: aggressorIin, relation: "spouse")
    static let neighbour = person(.witness, "Gulnara Fictiva", iin: nil, relation: "neighbour", protected: true)

    static let noCapture = CaptureInfo(gps: nil, note: nil, platformThumbnail: nil)

    /// The committed fixture: a 640x480 baseline JPEG with EXIF made by
    /// `qorgau synth photo --width 640 --height 480 --seed 1` (re-saved at quality 75 to stay small).
    static var photoURL: URL {
        if let url = Bundle.module.url(forResource: "scene-photo-640x480", withExtension: "jpg", subdirectory: "Fixtures") {
            return url
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/scene-photo-640x480.jpg")
    }

    /// A signed registry snapshot with one synthetic person known only by name and date of birth
    /// (Nurlan Sampleuly, 1990-11-02), made by `ios/scripts/make-registry-fixture.py` with a
    /// synthetic station key derived from a fixed seed; this is its public key.
    static var registryURL: URL {
        if let url = Bundle.module.url(forResource: "registry-name-dob", withExtension: "jsonl", subdirectory: "Fixtures") {
            return url
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/registry-name-dob.jsonl")
    }
    static let stationKey = "8d6fe9e1da4fab327e7c7e7a7cb4c1e57498187f8707b25a18d2925798ecfc8d"

    /// A signature as a finger would draw it: a few strokes across the pad.
    static var signature: SignatureDrawing {
        var d = SignatureDrawing(width: 600, height: 240)
        d.begin(at: .init(x: 40, y: 160))
        for i in 1...60 { d.add(.init(x: 40 + Double(i) * 6, y: 160 - 60 * sin(Double(i) / 6))) }
        d.begin(at: .init(x: 420, y: 60))
        d.add(.init(x: 470, y: 200))
        d.add(.init(x: 560, y: 90))
        return d
    }

    static let photoSha256 = "a493f1f0ba66e3e9138e56b0da799a8ea69f2ff435aea14a6b5c3d1d80140d23"

    /// An MP4-like file: an ISO-BMFF `ftyp` box (brand mp42) and `payload` bytes of synthetic data.
    static func video(payload: Int) -> Data {
        var d = Data([0, 0, 0, 0x18] + Array("ftypmp42".utf8) + [0, 0, 0, 0] + Array("mp42isom".utf8))
        // i*7 mod 251, built from one period (fast even in a debug build).
        let period = (0..<251).map { UInt8(($0 * 7) % 251) }
        var chunk = Data(capacity: 251 * 4096)
        for _ in 0..<4096 { chunk.append(contentsOf: period) }
        var left = payload
        while left > 0 {
            let n = min(left, chunk.count)
            d.append(chunk.prefix(n))
            left -= n
        }
        return d
    }

    /// A WAV recording: one second of a 440 Hz tone, 8 kHz mono 16-bit.
    static func wav(seconds: Int = 1) -> Data {
        let rate = 8000, samples = rate * seconds
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(36 + samples * 2); d.append(contentsOf: Array("WAVE".utf8))
        d.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(1); u16(1); u32(rate); u32(rate * 2); u16(2); u16(16)
        d.append(contentsOf: Array("data".utf8)); u32(samples * 2)
        for i in 0..<samples {
            let v = Int16(8000 * sin(2 * Double.pi * 440 * Double(i) / Double(rate)))
            withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) }
        }
        return d
    }
}

extension QorgauStore {
    /// Creates the device's first profile, a supervisor (anyone may while there is none), and
    /// signs it in: only a signed-in supervisor sets the station's key by hand.
    @discardableResult
    func signInFirstSupervisor() throws -> Profile {
        let p = try createProfile(role: .supervisor, name: Synthetic.supervisorName, badge: Synthetic.supervisorBadge, pin: Synthetic.supervisorPin)
        return try unlockProfile(profileId: p.id, pin: Synthetic.supervisorPin)
    }
}

/// A fresh temporary directory per test, removed afterwards.
class TempDirTestCase: XCTestCase {
    private(set) var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("qorgau-swift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let tmp { try? FileManager.default.removeItem(at: tmp) }
    }

    func file(_ name: String, _ data: Data) throws -> URL {
        let url = tmp.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    var storeDir: URL { tmp.appendingPathComponent("store") }
}

/// Asserts that `body` throws a `QorgauError` matching `match`.
func XCTAssertQorgauError<T>(_ body: @autoclosure () throws -> T, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line,
                             _ match: (QorgauError) -> Bool) {
    do {
        _ = try body()
        XCTFail("expected QorgauError.\(what), got success", file: file, line: line)
    } catch let e as QorgauError {
        XCTAssertTrue(match(e), "expected QorgauError.\(what), got \(e)", file: file, line: line)
    } catch {
        XCTFail("expected QorgauError.\(what), got \(type(of: error)): \(error)", file: file, line: line)
    }
}

/// `XCTUnwrap` for an async expression (an autoclosure cannot await).
@MainActor
func unwrapped<T>(_ body: @MainActor () async -> T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    let value = await body()
    return try XCTUnwrap(value, file: file, line: line)
}
