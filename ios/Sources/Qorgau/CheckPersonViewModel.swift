import Foundation
import QorgauFFI

/// What the officer learns from a check at the scene.
public enum CheckOutcome: Equatable, Sendable {
    case notChecked
    /// Nothing known: no registry record, nothing recorded on this device.
    case noRecord
    /// A registry record matched by name and date of birth only: the officer must compare it
    /// with the person in front of them before anything is shown as theirs.
    case confirmIdentity(displayName: String?)
    /// A record that applies to this person (by IIN, or confirmed by the officer).
    case record(PersonCheck)
    /// The officer said the name + date-of-birth record is someone else.
    case notThisPerson
}

/// "Check a person" at the scene, offline: active protection orders with their prohibitions,
/// past violations, earlier cases, and a repeat-offender flag, from the station's registry and
/// what this device recorded since. The IIN is validated live; without one, a name and date of
/// birth may be used, and such a match needs the officer's explicit confirmation.
@MainActor
public final class CheckPersonViewModel: ViewModel {
    public let session: FieldSession
    public var language: Language { didSet { revalidate() } }
    /// The case being worked on (not counted as an earlier case).
    public let currentCase: Uuid?

    // ---- form ---------------------------------------------------------------------------
    public var iin = "" { willSet { willChange() } didSet { revalidate(); resetOutcome() } }
    public var name = "" { willSet { willChange() } didSet { resetOutcome(); didChange() } }
    public var dateOfBirth: DateComponents? { willSet { willChange() } didSet { resetOutcome(); didChange() } }

    // ---- output -------------------------------------------------------------------------
    public private(set) var iinStatus: IinStatus = .empty
    public private(set) var outcome: CheckOutcome = .notChecked
    /// The core's answer, kept aside while a name + date-of-birth match awaits confirmation.
    public private(set) var lastCheck: PersonCheck?
    public private(set) var rules: OrderRules?
    public private(set) var lastImport: RegistryImport?
    public private(set) var isWorking = false
    public private(set) var error: QorgauAppError?
    /// The profile acting on the store, as last loaded (nil: the device's officer).
    public private(set) var actingProfile: Profile?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            iin = ""
            name = ""
            dateOfBirth = nil
            outcome = .notChecked
            lastCheck = nil
            lastImport = nil
            actingProfile = nil
            error = nil
        }
    }

    public init(session: FieldSession, currentCase: Uuid? = nil, language: Language = .preferred()) {
        self.session = session
        self.currentCase = currentCase
        self.language = language
    }

    private func revalidate() {
        iinStatus = IinCheck.status(of: iin, language: language)
        didChange()
    }

    private func resetOutcome() {
        if outcome != .notChecked { outcome = .notChecked; lastCheck = nil }
    }

    /// An IIN, or a name and a date of birth.
    public var canCheck: Bool {
        guard !isWorking, iinStatus.isAcceptable else { return false }
        return iinStatus == .valid || (name.nilIfBlank != nil && dateOfBirth.flatMap(Dates.naive) != nil)
    }

    public func makeQuery() -> PersonQuery {
        PersonQuery(iin: iin.nilIfBlank, name: name.nilIfBlank, dateOfBirth: dateOfBirth.flatMap(Dates.naive), currentCase: currentCase)
    }

    /// Runs the check on the device (no network).
    @discardableResult
    public func check() async -> CheckOutcome {
        let query = makeQuery()
        mutate { isWorking = true; error = nil }
        let result = await session.run(language) { store in (try store.checkPerson(query: query), store.orderRules()) }
        switch result {
        case let .success((check, rules)):
            mutate {
                self.rules = rules
                lastCheck = check
                switch check.matchKind {
                case .noMatch: outcome = .noRecord
                case .iin: outcome = .record(check)
                case .nameAndBirthDate: outcome = .confirmIdentity(displayName: check.displayName)
                }
                isWorking = false
            }
        case let .failure(e):
            mutate { error = e; outcome = .notChecked; isWorking = false }
        }
        return outcome
    }

    /// The officer's answer to "is this the same person?" for a name + date-of-birth match.
    public func confirm(samePerson: Bool) {
        guard case .confirmIdentity = outcome, let check = lastCheck else { return }
        mutate { outcome = samePerson ? .record(check) : .notThisPerson }
    }

    public var needsConfirmation: Bool {
        if case .confirmIdentity = outcome { return true }
        return false
    }

    /// The record that applies to this person, once it does (never for an unconfirmed match).
    public var record: PersonCheck? {
        if case let .record(c) = outcome { return c }
        return nil
    }

    /// Shown in large type: a new offence by this person is a repeat offence.
    public var isRepeatOffender: Bool { record?.repeatOffender ?? false }

    public var activeOrders: [ActiveOrder] { record?.activeOrders ?? [] }

    /// The person's date of birth as the record has it (the registry's, else the one in the IIN),
    /// in the UI language's conventions; nil until a record applies to this person.
    public var birthDateText: String? {
        record?.birthDate.map { UserMessages.day($0, language) }
    }

    /// How fresh the station's registry behind a check is.
    public enum RegistryFreshness: Equatable, Sendable {
        /// No registry from the station on this device: only what this device recorded.
        case noRegistry
        /// Produced by the station `days` calendar days ago (0: today).
        case current(days: Int)
        /// Older than ``CheckPersonViewModel/staleAfterDays``: orders issued on other devices
        /// since then are not known to this phone.
        case stale(days: Int)
    }

    /// A registry older than this many days is shown as out of date.
    public nonisolated static let staleAfterDays = 7

    /// The freshness of the registry the last check used (nil before a check).
    public func registryFreshness(now: Date = Date()) -> RegistryFreshness? {
        guard let check = lastCheck else { return nil }
        guard let produced = check.registryGeneratedAt else { return .noRegistry }
        let days = max(0, Dates.days(from: produced, to: now))
        return days > Self.staleAfterDays ? .stale(days: days) : .current(days: days)
    }

    /// The registry behind the last check in one line: when the station produced it and how old
    /// it is, or that there is none (nil before a check).
    public func registryLine(now: Date = Date()) -> String? {
        guard let freshness = registryFreshness(now: now) else { return nil }
        let l = language
        let produced = lastCheck?.registryGeneratedAt.map { UserMessages.dateTime($0, l) } ?? ""
        func age(_ days: Int) -> String {
            switch (l, days) {
            case (.kk, 0): return "бүгін"
            case (.ru, 0): return "сегодня"
            case (.en, 0): return "today"
            case (.kk, let n): return "\(n) күн бұрын"
            case (.ru, let n): return "дней назад: \(n)"
            case (.en, 1): return "1 day old"
            case (.en, let n): return "\(n) days old"
            }
        }
        switch freshness {
        case .noRegistry:
            return Say(kk: "Бөлімнен тізілім әлі жоқ: тек осы құрылғы тіркегені.",
                       ru: "Реестра из отдела ещё нет: только записанное на этом устройстве.",
                       en: "No registry from the station yet: only what this device recorded.")(l)
        case let .current(days):
            return Say(kk: "Бөлім тізілімі: \(produced) (\(age(days))).",
                       ru: "Реестр отдела: \(produced) (\(age(days))).",
                       en: "Station registry of \(produced) (\(age(days))).")(l)
        case let .stale(days):
            return Say(kk: "Бөлім тізілімі ескі: \(produced) (\(age(days))). Кейінгі нұсқамалар көрсетілмеуі мүмкін: синхрондаңыз немесе жаңа тізілімді жүктеңіз.",
                       ru: "Реестр отдела устарел: \(produced) (\(age(days))). Более поздних предписаний может не быть: синхронизируйте или загрузите новый реестр.",
                       en: "The station registry is out of date: \(produced) (\(age(days))). Later orders may be missing: sync, or import a newer registry.")(l)
        }
    }

    /// A prohibition's wording in the UI language (the code itself if the rules do not know it).
    public func prohibitionText(_ code: String) -> String {
        rules?.prohibitions.first { $0.code == code }?.text.text(language) ?? code
    }

    /// Loads who is signed in (for ``canTrustStation``).
    public func loadProfile() async {
        if case let .success(p) = await session.run(language, { $0.currentProfile() }) {
            mutate { actingProfile = p }
        }
    }

    /// Setting the station's key by hand (a registry carried on a memory stick, a station
    /// replaced) is offered only to a signed-in supervisor; the core enforces it and audits each
    /// change. Enrolment with the station sets the key by itself and needs no supervisor.
    public var canTrustStation: Bool { actingProfile?.role == .supervisor }

    /// Sets the station's public key (hex) by hand. Refused (`permissionDenied`, with a plain
    /// message) unless a supervisor is signed in.
    @discardableResult
    public func trustStation(publicKeyHex: String) async -> Bool {
        let key = publicKeyHex.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        mutate { error = nil }
        switch await session.run(language, { try $0.trustStationKey(publicKeyHex: key) }) {
        case .success:
            await loadProfile()
            return true
        case let .failure(e):
            mutate { error = e }
            if e.kind == .permissionDenied { await loadProfile() } // signed out meanwhile?
            return false
        }
    }

    /// Imports a signed registry file from the station (snapshot or delta). A file that does not
    /// verify changes nothing.
    @discardableResult
    public func importRegistry(at url: URL) async -> RegistryImport? {
        let path = url.path
        mutate { isWorking = true; error = nil }
        let result = await session.run(language) { try $0.importRegistry(path: path) }
        switch result {
        case let .success(r):
            mutate { lastImport = r; isWorking = false; outcome = .notChecked; lastCheck = nil }
            return r
        case let .failure(e):
            mutate { error = e; isWorking = false }
            return nil
        }
    }

    public func clear() {
        mutate {
            iin = ""; name = ""; dateOfBirth = nil
            outcome = .notChecked; lastCheck = nil; error = nil
        }
    }
}

private typealias Say = UserMessages.Text
