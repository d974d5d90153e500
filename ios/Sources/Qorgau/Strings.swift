import Foundation
import QorgauFFI

/// The package's own strings (`Resources/<lang>.lproj/Localizable.strings`): what the officer
/// reads about errors and sync problems, one key per kind, in kk, ru and en.
///
/// Looked up in an explicit language (the view models carry one), not the device's locale, so
/// the same code runs in the app, in the background task and in the Linux tests. The table is
/// read with `PropertyListSerialization` (text or compiled binary `.strings`, as Xcode may ship
/// it) and, failing that, parsed as text.
enum Strings {
    /// The three tables, read once.
    static let tables: [Language: [String: String]] = {
        var out: [Language: [String: String]] = [:]
        for l in Language.all { out[l] = load(l.code) }
        return out
    }()

    /// The text for `key` in `language` with `%@` (or `%1$@`, `%2$@`…) filled in from `args`.
    /// A key missing in `language` falls back to English, then to the key itself (the tests
    /// check that no key is missing).
    static func text(_ key: String, _ language: Language, _ args: [String] = []) -> String {
        let template = tables[language]?[key] ?? tables[.en]?[key] ?? key
        return fill(template, args)
    }

    /// Whether `key` exists in `language`'s table.
    static func has(_ key: String, _ language: Language) -> Bool {
        tables[language]?[key] != nil
    }

    static func fill(_ template: String, _ args: [String]) -> String {
        guard !args.isEmpty else { return template }
        var s = template
        for (i, a) in args.enumerated() {
            s = s.replacingOccurrences(of: "%\(i + 1)$@", with: a)
        }
        var out = ""
        var rest = Substring(s)
        var next = 0
        while let r = rest.range(of: "%@") {
            out += rest[rest.startIndex..<r.lowerBound]
            out += next < args.count ? args[next] : ""
            next += 1
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

    private static func load(_ code: String) -> [String: String] {
        let bundle = Bundle.module
        let candidates = [
            bundle.url(forResource: "Localizable", withExtension: "strings", subdirectory: nil, localization: code),
            bundle.resourceURL?.appendingPathComponent("\(code).lproj/Localizable.strings"),
            bundle.bundleURL.appendingPathComponent("\(code).lproj/Localizable.strings"),
        ].compactMap { $0 }
        for url in candidates {
            guard let data = try? Data(contentsOf: url) else { continue }
            if let table = try? PropertyListSerialization.propertyList(from: data, format: nil) as? [String: String], !table.isEmpty {
                return table
            }
            if let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .utf16) {
                let table = parse(text)
                if !table.isEmpty { return table }
            }
        }
        return [:]
    }

    /// `"key" = "value";` lines of a text `.strings` file (comments and blank lines skipped).
    static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            var chars = Substring(line).drop { $0 == " " || $0 == "\t" }
            guard chars.first == "\"", let key = quoted(&chars) else { continue }
            chars = chars.drop { $0 == " " || $0 == "\t" }
            guard chars.first == "=" else { continue }
            chars = chars.dropFirst().drop { $0 == " " || $0 == "\t" }
            guard chars.first == "\"", let value = quoted(&chars) else { continue }
            out[key] = value
        }
        return out
    }

    /// Reads a quoted string at the start of `s` (unescaping `\"`, `\\`, `\n`) and drops it.
    private static func quoted(_ s: inout Substring) -> String? {
        var out = ""
        var i = s.index(after: s.startIndex)
        while i < s.endIndex {
            let c = s[i]
            if c == "\"" {
                s = s[s.index(after: i)...]
                return out
            }
            if c == "\\" {
                i = s.index(after: i)
                guard i < s.endIndex else { return nil }
                switch s[i] {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(s[i])
                }
            } else {
                out.append(c)
            }
            i = s.index(after: i)
        }
        return nil
    }
}
