import Foundation
import QorgauFFI

/// Conversions between the core's date types and Foundation's.
///
/// The core takes calendar dates (`NaiveDate`, "YYYY-MM-DD": dates of birth, intervention dates,
/// the week of what is due) and UTC instants (`Date`); the sync status keeps some times as RFC 3339 text.
/// Calendar dates are always Gregorian, in the device's time zone, whatever calendar the user has.
public enum Dates {
    /// The Gregorian calendar in the device's time zone.
    public static var gregorian: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = .current
        return c
    }

    /// "YYYY-MM-DD" from year, month and day (nil if one is missing).
    public static func naive(_ c: DateComponents) -> NaiveDate? {
        guard let y = c.year, let m = c.month, let d = c.day else { return nil }
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// The calendar date of `date` in `calendar`'s time zone.
    public static func naive(_ date: Date, calendar: Calendar = gregorian) -> NaiveDate {
        naive(calendar.dateComponents([.year, .month, .day], from: date))!
    }

    /// Year, month and day of "YYYY-MM-DD".
    public static func components(_ naive: NaiveDate) -> DateComponents? {
        let parts = naive.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return DateComponents(year: parts[0], month: parts[1], day: parts[2])
    }

    /// Midnight at the start of "YYYY-MM-DD" in `calendar`'s time zone (for date pickers).
    public static func date(_ naive: NaiveDate, calendar: Calendar = gregorian) -> Date? {
        components(naive).flatMap { calendar.date(from: $0) }
    }

    /// An RFC 3339 instant as the core writes it ("2026-11-25T10:40:00.123456789+00:00"): any
    /// number of fractional digits (Foundation's parser takes at most a few), `Z` or an offset.
    public static func rfc3339(_ text: String) -> Date? {
        var s = text.trimmingCharacters(in: .whitespaces)
        var fraction = 0.0
        if let dot = s.firstIndex(of: "."), s[s.startIndex..<dot].contains("T") {
            let digits = s[s.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            fraction = Double("0." + digits) ?? 0
            s.removeSubrange(dot..<s.index(s.index(after: dot), offsetBy: digits.count))
        }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: s).map { $0.addingTimeInterval(fraction) }
    }

    /// Unix seconds (as in an order's QR payload).
    public static func unix(_ seconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Whole days from `from` to `to` (negative when `to` is earlier), by calendar date.
    public static func days(from: Date, to: Date, calendar: Calendar = gregorian) -> Int {
        calendar.dateComponents([.day], from: calendar.startOfDay(for: from), to: calendar.startOfDay(for: to)).day ?? 0
    }
}

extension Texts {
    /// The text in a UI language (the core ships kk, ru and en for rules and instruments).
    public func text(_ language: Language) -> String {
        switch language {
        case .kk: return kk
        case .ru: return ru
        case .en: return en
        }
    }
}
