import Foundation
import XCTest

/// The SwiftUI app is not built on Linux, but its strings files are checked here: the same keys
/// in kk, ru and en, no empty values, the same format specifiers, and every key the app's
/// sources use is defined.
final class LocalizationTests: XCTestCase {
    static let appDir = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("App/Qorgau")

    static func strings(_ lang: String, _ file: String = "Localizable.strings") throws -> [String: String] {
        let text = try String(contentsOf: appDir.appendingPathComponent("Resources/\(lang).lproj/\(file)"), encoding: .utf8)
        let entry = try NSRegularExpression(pattern: #"^"((?:[^"\\]|\\.)*)"\s*=\s*"((?:[^"\\]|\\.)*)";\s*$"#, options: .anchorsMatchLines)
        var out: [String: String] = [:]
        for m in entry.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let key = String(text[Range(m.range(at: 1), in: text)!])
            XCTAssertNil(out[key], "\(lang): duplicate key \(key)")
            out[key] = String(text[Range(m.range(at: 2), in: text)!])
        }
        return out
    }

    static func specifiers(_ s: String) -> [String] {
        let re = try! NSRegularExpression(pattern: "%(lld|@|d)")
        return re.matches(in: s, range: NSRange(s.startIndex..., in: s)).map { String(s[Range($0.range, in: s)!]) }
    }

    func testThreeLanguagesHaveTheSameKeysAndFormats() throws {
        for file in ["Localizable.strings", "InfoPlist.strings"] {
            let en = try Self.strings("en", file), ru = try Self.strings("ru", file), kk = try Self.strings("kk", file)
            XCTAssertGreaterThan(en.count, 2, file)
            XCTAssertEqual(Set(en.keys), Set(ru.keys), file)
            XCTAssertEqual(Set(en.keys), Set(kk.keys), file)
            for (key, value) in en {
                for (lang, table) in [("ru", ru), ("kk", kk)] {
                    let v = try XCTUnwrap(table[key])
                    XCTAssertFalse(v.isEmpty, "\(lang): \(key)")
                    XCTAssertEqual(Self.specifiers(v), Self.specifiers(value), "\(lang): \(key) has other format specifiers")
                }
            }
        }
    }

    func testEveryKeyTheAppUsesIsDefined() throws {
        let keys = Set(try Self.strings("en").keys)
        let namespaces = Set(keys.map { String($0.prefix { $0 != "." }) })
        let literal = try NSRegularExpression(pattern: #""([a-z]+\.[A-Za-z]+(?: %(?:lld|@))*)""#)
        let files = FileManager.default.enumerator(at: Self.appDir, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        XCTAssertGreaterThan(files.count, 5)
        var used = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for m in literal.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(m.range(at: 1), in: text)!])
                guard namespaces.contains(String(key.prefix { $0 != "." })) else { continue } // SF Symbols etc.
                used += 1
                XCTAssertTrue(keys.contains(key), "\(file.lastPathComponent) uses undefined key \(key)")
            }
        }
        XCTAssertGreaterThan(used, 50)
    }
}
