import Foundation
import QorgauFFI

/// Preventive interventions with a person on the case (a talk, a home visit, the weekly check of
/// an order, an official warning, a correctional programme), each with the date of the next
/// check if one is due.
@MainActor
public final class InterventionsViewModel: ViewModel {
    public let session: FieldSession
    public let caseId: Uuid
    public var language: Language

    public private(set) var people: [Person] = []
    public private(set) var interventions: [Intervention] = []

    // ---- form ---------------------------------------------------------------------------
    public var personId: Uuid? { willSet { willChange() } didSet { didChange() } }
    public var kind: InterventionKind = .preventiveTalk { willSet { willChange() } didSet { didChange() } }
    /// The day it took place (today by default).
    public var date: DateComponents { willSet { willChange() } didSet { didChange() } }
    public var outcome = "" { willSet { willChange() } didSet { didChange() } }
    /// The next check, if one is due (after `date`).
    public var nextCheck: DateComponents? { willSet { willChange() } didSet { didChange() } }

    public private(set) var isWorking = false
    public private(set) var error: QorgauAppError?
    public private(set) var lastRecorded: RecordedIntervention?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            people = []
            interventions = []
            personId = nil
            outcome = ""
            nextCheck = nil
            error = nil
            lastRecorded = nil
        }
    }

    public init(session: FieldSession, caseId: Uuid, language: Language = .preferred(), today: Date = Date()) {
        self.session = session
        self.caseId = caseId
        self.language = language
        self.date = Dates.gregorian.dateComponents([.year, .month, .day], from: today)
    }

    public func load() async {
        let caseId = self.caseId
        switch await session.run(language, { store in (try store.caseFile(caseId: caseId).people, try store.interventions(caseId: caseId)) }) {
        case let .success((people, list)):
            mutate {
                self.people = people
                interventions = list
                if personId == nil { personId = people.first { $0.role == .allegedAggressor }?.id ?? people.first?.id }
            }
        case let .failure(e):
            mutate { error = e }
        }
    }

    public var canSubmit: Bool {
        guard personId != nil, outcome.nilIfBlank != nil, let d = Dates.naive(date), !isWorking else { return false }
        if let next = nextCheck.flatMap(Dates.naive) { return next > d }
        return true
    }

    public func makeNewIntervention() -> NewIntervention? {
        guard let personId, let d = Dates.naive(date) else { return nil }
        return NewIntervention(personId: personId, kind: kind, date: d, outcome: outcome.trimmingCharacters(in: .whitespacesAndNewlines),
                               nextCheck: nextCheck.flatMap(Dates.naive))
    }

    @discardableResult
    public func submit() async -> RecordedIntervention? {
        guard let new = makeNewIntervention() else { return nil }
        let caseId = self.caseId
        mutate { isWorking = true; error = nil }
        switch await session.run(language, { try $0.recordIntervention(caseId: caseId, intervention: new) }) {
        case let .success(r):
            mutate { lastRecorded = r; interventions.append(r.record); outcome = ""; nextCheck = nil; isWorking = false }
            return r
        case let .failure(e):
            mutate { error = e; isWorking = false }
            return nil
        }
    }

    public func person(_ id: Uuid) -> Person? { people.first { $0.id == id } }
}

/// What is due this week across the device's cases, and what is overdue: follow-ups set by
/// interventions and the weekly checks of protection orders in force.
@MainActor
public final class DueThisWeekViewModel: ViewModel {
    public let session: FieldSession
    public var language: Language

    public private(set) var items: [DueItem] = []
    /// The first day of the week shown.
    public private(set) var from: NaiveDate?
    /// Names of the people in the items (loaded with them).
    public private(set) var names: [Uuid: String] = [:]
    public private(set) var isLoading = false
    public private(set) var error: QorgauAppError?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            items = []
            names = [:]
            error = nil
        }
    }

    public init(session: FieldSession, language: Language = .preferred()) {
        self.session = session
        self.language = language
    }

    /// Loads the week starting on `day` (today by default).
    public func load(from day: Date = Date()) async {
        await load(fromDate: Dates.naive(day))
    }

    public func load(fromDate day: NaiveDate) async {
        mutate { isLoading = true; error = nil }
        let result = await session.run(language) { store -> ([DueItem], [Uuid: String]) in
            let items = try store.dueThisWeek(from: day)
            var names: [Uuid: String] = [:]
            for caseId in Set(items.map(\.caseId)) {
                for p in try store.caseFile(caseId: caseId).people { names[p.id] = p.fullName }
            }
            return (items, names)
        }
        switch result {
        case let .success((items, names)):
            mutate { self.items = items; self.names = names; from = day; isLoading = false }
        case let .failure(e):
            mutate { error = e; isLoading = false }
        }
    }

    public var overdue: [DueItem] { items.filter(\.overdue) }
    public var thisWeek: [DueItem] { items.filter { !$0.overdue } }

    public func name(_ item: DueItem) -> String { names[item.personId] ?? "" }
}

extension Intervention: Identifiable {}

extension DueItem: Identifiable {
    public var id: String {
        switch reason {
        case let .interventionFollowUp(interventionId): return "intervention/\(interventionId)"
        case let .orderCheck(orderId, _): return "order/\(orderId)/\(due)"
        }
    }
}

extension InterventionKind {
    public static let allInOrder: [InterventionKind] = [.preventiveTalk, .homeVisit, .orderCheck, .officialWarning, .correctionalProgramme, .other]
}
