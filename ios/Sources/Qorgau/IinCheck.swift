import Foundation
import QorgauFFI

/// Live validation of an IIN field as the officer types, with the core's rules (`validateIin`,
/// which stores nothing).
public enum IinStatus: Equatable, Sendable {
    /// Nothing typed (an IIN is optional: people at a scene often do not know theirs).
    case empty
    /// Digits only, fewer than 12 so far: not an error yet.
    case incomplete(digits: Int)
    case valid
    /// Refused, with the reason for the officer.
    case invalid(message: String)

    /// Whether a form may be submitted with this value.
    public var isAcceptable: Bool {
        switch self {
        case .empty, .valid: return true
        case .incomplete, .invalid: return false
        }
    }
}

public enum IinCheck {
    /// The status of `text` as typed; `language` is the language of the message.
    public static func status(of text: String, language: Language) -> IinStatus {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return .empty }
        if s.count < 12, s.allSatisfy({ $0.isASCII && $0.isNumber }) { return .incomplete(digits: s.count) }
        do {
            try validateIin(iin: s)
            return .valid
        } catch {
            return .invalid(message: QorgauAppError(error, language: language).message)
        }
    }
}
