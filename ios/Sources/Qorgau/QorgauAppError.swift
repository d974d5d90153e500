import Foundation
import QorgauFFI

/// A failure as the officer sees it: `QorgauError` (or any other error) mapped to a kind, and the
/// kind to a message in Kazakh, Russian or English.
///
/// Everything the app decides, and every message it picks, comes from the error's kind and its
/// typed fields (`IinProblem`, `QrRejection`, `SyncFailure` with the station's `ErrorCode`, the
/// lock-out's `until`, an input's field name): never from the core's English `reason`, which is
/// kept in ``technicalDetail`` for logs only and may be reworded at any time. The words are in
/// the package's `Localizable.strings` (kk, ru, en), one key per kind (``UserMessages``).
/// Like the core's errors, nothing here holds names, IINs, addresses, statement text or keys.
public struct QorgauAppError: LocalizedError, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A field was refused; `field` is the core's field name ("full_name", "pin", ...).
        case invalidInput(field: String)
        /// An IIN was refused; the problem says why.
        case invalidIin(IinProblem)
        case badMedia
        /// A damaged or cut-short photo (`BadMedia` with `MediaProblem.damaged`): the officer
        /// may keep it as damaged evidence.
        case damagedMedia
        case notFound
        case conflict
        case wrongKey
        case integrity
        /// The store directory has no device profile yet.
        case notInitialised
        /// The store directory already has a device profile.
        case alreadyInitialised
        case storage
        /// A protection order's QR code was refused, and why.
        case invalidQr(QrRejection)
        /// A registry file from the police station was refused.
        case invalidRegistry
        /// The acting profile's role may not do this.
        case permissionDenied
        /// A wrong PIN; `attemptsLeft` before the profile locks.
        case wrongPin(attemptsLeft: UInt32)
        /// Too many wrong PINs: locked until `until`.
        case profileLocked(until: Date)
        /// Talking to the station failed, and how; everything stays on the device (outbox).
        case sync(SyncFailure)
        case cancelled
        case keyStore
        case io
        case `internal`

        // ---- refusals the app makes itself (the core refuses the same, or cannot say it) ----
        /// Plain `http://` to another machine, typed by the officer: refused before any call.
        case plainHTTPRefused
        /// A scanned enrolment card whose address the core refused (field `station`).
        case cardAddressRefused
        /// A card enrolment refused because the station is not the one the card names (its TLS
        /// certificate or its answer does not match the card).
        case stationNotOnCard
        /// A psychologist's profile that does not hold the clinical key yet was refused.
        case clinicalKeyPending
    }

    public let kind: Kind
    public let language: Language
    /// The core's message (English, free of personal data), for logs and bug reports only.
    public let technicalDetail: String

    public init(kind: Kind, language: Language, technicalDetail: String = "") {
        self.kind = kind
        self.language = language
        self.technicalDetail = technicalDetail
    }

    /// Maps any error from the bindings (or elsewhere) to its kind.
    public init(_ error: Error, language: Language) {
        if let e = error as? QorgauAppError {
            self = e.localized(language)
            return
        }
        guard let q = error as? QorgauError else {
            if let k = error as? KeyStoreError {
                switch k {
                case .WrongKey: self.init(kind: .wrongKey, language: language, technicalDetail: "wrong key")
                case let .Unavailable(reason): self.init(kind: .keyStore, language: language, technicalDetail: reason)
                }
                return
            }
            // UniffiInternalError (a mismatch of bindings and library) and anything unexpected.
            self.init(kind: .internal, language: language, technicalDetail: String(describing: error))
            return
        }
        let (kind, detail) = Self.kind(of: q)
        self.init(kind: kind, language: language, technicalDetail: detail)
    }

    /// The kind of a core error, and its words for the log.
    public static func kind(of error: QorgauError) -> (Kind, String) {
        switch error {
        case let .InvalidInput(field, reason): return (.invalidInput(field: field), reason)
        case let .InvalidIin(problem, reason): return (.invalidIin(problem), reason)
        case let .BadMedia(problem, reason): return (problem == .damaged ? .damagedMedia : .badMedia, reason)
        case let .NotFound(reason): return (.notFound, reason)
        case let .Conflict(reason): return (.conflict, reason)
        case let .WrongKey(reason): return (.wrongKey, reason)
        case let .Integrity(reason): return (.integrity, reason)
        case let .NotInitialised(reason): return (.notInitialised, reason)
        case let .AlreadyInitialised(reason): return (.alreadyInitialised, reason)
        case let .Storage(reason): return (.storage, reason)
        case let .InvalidQr(rejection, reason): return (.invalidQr(rejection), reason)
        case let .InvalidRegistry(reason): return (.invalidRegistry, reason)
        case let .PermissionDenied(reason): return (.permissionDenied, reason)
        case let .WrongPin(attemptsLeft, reason): return (.wrongPin(attemptsLeft: attemptsLeft), reason)
        case let .ProfileLocked(until, reason): return (.profileLocked(until: until), reason)
        case let .Sync(failure, reason): return (.sync(failure), reason)
        case .Cancelled: return (.cancelled, "cancelled")
        case let .KeyStore(reason): return (.keyStore, reason)
        case let .Io(reason): return (.io, reason)
        case let .Internal(reason): return (.internal, reason)
        }
    }

    /// A capture the core refused. A damaged or cut-short photo (`MediaProblem.damaged`) is
    /// ``Kind/damagedMedia``: the officer may keep it, marked damaged, with `keepDamaged`.
    public static func capture(_ error: Error, language: Language) -> QorgauAppError {
        QorgauAppError(error, language: language)
    }

    /// The same error in another language.
    public func localized(_ language: Language) -> QorgauAppError {
        QorgauAppError(kind: kind, language: language, technicalDetail: technicalDetail)
    }

    /// The message for the officer.
    public var message: String { UserMessages.message(for: kind, language) }

    public var errorDescription: String? { message }

    /// True for the security failures that must not be dismissed lightly.
    public var isSecurityFailure: Bool {
        switch kind {
        case .wrongKey, .integrity, .profileLocked, .invalidQr(.tampered), .stationNotOnCard,
             .sync(.untrustedCertificate), .sync(.enrolmentNotAuthentic), .sync(.refused(code: .deviceRevoked, status: _)):
            return true
        default:
            return false
        }
    }

    /// A photo the officer may keep as damaged evidence (`CaptureInfo.keepDamaged`).
    public var isDamagedMedia: Bool { kind == .damagedMedia }

    /// The field to highlight in a form, if any.
    public var field: String? {
        if case let .invalidInput(field) = kind { return field }
        return nil
    }

    /// For a sync failure: whether it may clear without anyone acting (the core's
    /// `syncFailureIsTransient`); nil for other kinds.
    public var isTransientSyncFailure: Bool? {
        if case let .sync(failure) = kind { return syncFailureIsTransient(failure: failure) }
        return nil
    }
}

extension QorgauError {
    /// The message for the officer in `language`.
    public func userMessage(_ language: Language) -> String {
        QorgauAppError(self, language: language).message
    }
}


/// The one place where kinds become words: each kind (and each `SyncFailure`, `ErrorCode`,
/// `IinProblem`, `QrRejection`, `RejectionCode`, `SyncProblem` case) has its key in the
/// package's `Localizable.strings`, in kk, ru and en.
enum UserMessages {
    /// Three words in code, for the view models' own lines (headlines, counts); the error
    /// messages are in the strings files.
    struct Text {
        let kk: String
        let ru: String
        let en: String
        func callAsFunction(_ l: Language) -> String {
            switch l {
            case .kk: return kk
            case .ru: return ru
            case .en: return en
            }
        }
    }

    /// The key of a kind's message and what fills it in.
    static func entry(for kind: QorgauAppError.Kind, _ l: Language) -> (key: String, args: [String]) {
        switch kind {
        case let .invalidInput(field):
            let specific = "error.input.\(fieldKey(field))"
            if Strings.has(specific, l) { return (specific, []) }
            return ("error.input %@", [fieldLabel(field, l)])
        case let .invalidIin(problem): return (key(problem), [])
        case .badMedia: return ("error.badMedia", [])
        case .damagedMedia: return ("error.damagedMedia", [])
        case .notFound: return ("error.notFound", [])
        case .conflict: return ("error.conflict", [])
        case .wrongKey: return ("error.wrongKey", [])
        case .integrity: return ("error.integrity", [])
        case .notInitialised: return ("error.notInitialised", [])
        case .alreadyInitialised: return ("error.alreadyInitialised", [])
        case .storage: return ("error.storage", [])
        case let .invalidQr(rejection): return (key(rejection), [])
        case .invalidRegistry: return ("error.invalidRegistry", [])
        case .permissionDenied: return ("error.permissionDenied", [])
        case let .wrongPin(left): return ("error.wrongPin %@", [number(Int64(left), l)])
        case let .profileLocked(until): return ("error.profileLocked %@", [localTime(until, l)])
        case let .sync(failure): return (key(failure), [])
        case .cancelled: return ("error.cancelled", [])
        case .keyStore: return ("error.keyStore", [])
        case .io: return ("error.io", [])
        case .internal: return ("error.internal", [])
        case .plainHTTPRefused: return ("error.app.plainHTTPRefused", [])
        case .cardAddressRefused: return ("error.app.cardAddressRefused", [])
        case .stationNotOnCard: return ("error.app.stationNotOnCard", [])
        case .clinicalKeyPending: return ("error.app.clinicalKeyPending", [])
        }
    }

    static func message(for kind: QorgauAppError.Kind, _ l: Language) -> String {
        let (key, args) = entry(for: kind, l)
        return Strings.text(key, l, args)
    }

    static func key(_ p: IinProblem) -> String {
        switch p {
        case .wrongLength: return "error.iin.wrongLength"
        case .badCenturyDigit: return "error.iin.badCenturyDigit"
        case .noSuchBirthDate: return "error.iin.noSuchBirthDate"
        case .noValidCheckDigit: return "error.iin.noValidCheckDigit"
        case .checkDigitMismatch: return "error.iin.checkDigitMismatch"
        }
    }

    static func key(_ r: QrRejection) -> String {
        switch r {
        case .malformed: return "error.qr.malformed"
        case .tampered: return "error.qr.tampered"
        case .unknownSigner: return "error.qr.unknownSigner"
        case .revokedSigner: return "error.qr.revokedSigner"
        case .expired: return "error.qr.expired"
        }
    }

    static func key(_ f: SyncFailure) -> String {
        switch f {
        case .unreachable: return "error.sync.unreachable"
        case .untrustedCertificate: return "error.sync.untrustedCertificate"
        case .notEnrolled: return "error.sync.notEnrolled"
        case .enrolmentNotAuthentic: return "error.sync.enrolmentNotAuthentic"
        case let .refused(code, _): return key(code)
        case .stationFailed: return "error.sync.stationFailed"
        case .malformedAnswer: return "error.sync.malformedAnswer"
        case .noProgress: return "error.sync.noProgress"
        case .cancelled: return "error.sync.cancelled"
        case .local: return "error.sync.local"
        }
    }

    static func key(_ c: ErrorCode) -> String {
        switch c {
        case .badRequest: return "error.station.badRequest"
        case .tooLarge: return "error.station.tooLarge"
        case .unauthenticated: return "error.station.unauthenticated"
        case .staleRequest: return "error.station.staleRequest"
        case .replayed: return "error.station.replayed"
        case .deviceRevoked: return "error.station.deviceRevoked"
        case .codeUnknown: return "error.station.codeUnknown"
        case .codeUsed: return "error.station.codeUsed"
        case .codeExpired: return "error.station.codeExpired"
        case .weakKey: return "error.station.weakKey"
        case .enrolmentRefused: return "error.station.enrolmentRefused"
        case .throttled: return "error.station.throttled"
        case .quotaExceeded: return "error.station.quotaExceeded"
        case .forbidden: return "error.station.forbidden"
        case .notFound: return "error.station.notFound"
        case .gone: return "error.station.gone"
        case .busy: return "error.station.busy"
        case .checksumMismatch: return "error.station.checksumMismatch"
        case .internal: return "error.station.internal"
        case .unknown: return "error.station.unknown"
        }
    }

    static func key(_ r: RejectionCode) -> String {
        switch r {
        case .malformed: return "sync.rejection.malformed"
        case .otherDevice: return "sync.rejection.otherDevice"
        case .badSignature: return "sync.rejection.badSignature"
        case .notCaseOwner: return "sync.rejection.notCaseOwner"
        case .notCaseStart: return "sync.rejection.notCaseStart"
        case .conflicting: return "sync.rejection.conflicting"
        case .brokenLink: return "sync.rejection.brokenLink"
        case .payloadMismatch: return "sync.rejection.payloadMismatch"
        case .invalidRecord: return "sync.rejection.invalidRecord"
        case .unknown: return "sync.rejection.unknown"
        }
    }

    /// The key of a sync problem's message and what fills it in (`records`: the count in words).
    static func entry(for problem: SyncProblem, _ l: Language) -> (key: String, args: [String]) {
        switch problem {
        case let .failed(failure): return (key(failure), [])
        case let .entriesRefused(count): return ("sync.problem.entriesRefused %@", [Wording.records(count, l)])
        case .registryNotUpdated: return ("sync.problem.registryNotUpdated", [])
        }
    }

    static func message(for problem: SyncProblem, _ l: Language) -> String {
        let (key, args) = entry(for: problem, l)
        return Strings.text(key, l, args)
    }

    /// Whether the problem should clear by itself at the next sync (nil: no such statement,
    /// e.g. a sync the officer stopped). Sync failures follow the core's
    /// `syncFailureIsTransient`; refused records need the duty officer; a registry that was not
    /// updated is fetched again at the next sync.
    static func clearsByItself(_ problem: SyncProblem) -> Bool? {
        switch problem {
        case .failed(.cancelled): return nil
        case let .failed(failure): return syncFailureIsTransient(failure: failure)
        case .entriesRefused: return false
        case .registryNotUpdated: return true
        }
    }

    static func retryNote(_ clears: Bool, _ l: Language) -> String {
        Strings.text(clears ? "sync.retry.automatic" : "sync.retry.needsAction", l)
    }

    /// Why the station refused records, in words (each reason once, in the order first met).
    static func rejections(_ codes: [RejectionCode], _ l: Language) -> String? {
        var seen: [RejectionCode] = []
        for c in codes where !seen.contains(c) { seen.append(c) }
        guard !seen.isEmpty else { return nil }
        return Strings.text("sync.rejections %@", l, [seen.map { Strings.text(key($0), l) }.joined(separator: "; ")])
    }

    /// A field name as a key: "enrolment card" → "enrolment_card".
    static func fieldKey(_ field: String) -> String {
        field.replacingOccurrences(of: " ", with: "_")
    }

    /// A field's name in the officer's language (the core's name if the app does not know it).
    static func fieldLabel(_ field: String, _ l: Language) -> String {
        let key = "field.\(fieldKey(field))"
        return Strings.has(key, l) ? Strings.text(key, l) : field
    }

    static func locale(_ l: Language) -> Locale {
        Locale(identifier: l == .kk ? "kk_KZ" : l == .ru ? "ru_RU" : "en_GB")
    }

    static func number(_ n: Int64, _ l: Language) -> String {
        let f = NumberFormatter()
        f.locale = locale(l)
        f.numberStyle = .decimal
        return f.string(from: NSNumber(value: n)) ?? String(n)
    }

    /// An instant as local time in the language's conventions: the time alone when it is today
    /// (a lock-out of a few minutes), else the short date and time.
    static func localTime(_ date: Date, _ l: Language, timeZone: TimeZone = .current, now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let f = DateFormatter()
        f.locale = locale(l)
        f.timeZone = timeZone
        f.dateStyle = calendar.isDate(date, inSameDayAs: now) ? .none : .short
        f.timeStyle = .short
        return f.string(from: date)
    }

    /// Short date and time in the language's conventions.
    static func dateTime(_ date: Date, _ l: Language, timeZone: TimeZone = .current) -> String {
        let f = DateFormatter()
        f.locale = locale(l)
        f.timeZone = timeZone
        f.dateStyle = .medium
        f.timeStyle = .short
        return f.string(from: date)
    }

    /// A calendar date ("YYYY-MM-DD") in the language's conventions (as given if unparsable).
    static func day(_ naive: NaiveDate, _ l: Language) -> String {
        guard let c = Dates.components(naive), let d = Dates.gregorian.date(from: c) else { return naive }
        let f = DateFormatter()
        f.locale = locale(l)
        f.timeZone = Dates.gregorian.timeZone
        f.dateStyle = .medium
        f.timeStyle = .none
        return f.string(from: d)
    }

    /// An RFC 3339 instant as local date and time (as given if unparsable).
    static func localTime(_ rfc3339: String, _ l: Language) -> String {
        guard let date = Dates.rfc3339(rfc3339) else { return rfc3339 }
        return localTime(date, l)
    }
}
