import Foundation
import QorgauFFI

extension Language {
    /// All languages a statement can be taken in, and the app's UI languages.
    public static let all: [Language] = [.kk, .ru, .en]

    /// The ISO 639-1 code.
    public var code: String {
        switch self {
        case .kk: return "kk"
        case .ru: return "ru"
        case .en: return "en"
        }
    }

    /// A language from an ISO 639-1 code or a locale identifier ("kk", "ru-KZ", "en_US").
    public init?(code: String) {
        let prefix = code.lowercased().prefix { $0.isLetter }
        switch prefix {
        case "kk": self = .kk
        case "ru": self = .ru
        case "en": self = .en
        default: return nil
        }
    }

    /// The first supported language of the user's preferred languages; Kazakh if none is.
    public static func preferred(_ identifiers: [String] = Locale.preferredLanguages) -> Language {
        identifiers.lazy.compactMap(Language.init(code:)).first ?? .kk
    }

    /// The language's own name, for pickers.
    public var nativeName: String {
        switch self {
        case .kk: return "Қазақша"
        case .ru: return "Русский"
        case .en: return "English"
        }
    }
}
