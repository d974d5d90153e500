import Foundation
import QorgauFFI

/// Whether the acting profile may do what a screen offers, as the core answered.
public enum AssessmentAccess: Equatable, Sendable {
    /// Not asked yet.
    case unknown
    case allowed
    /// The core refused: recording an assessment, and reading its answers and clinical notes,
    /// is for a psychologist signed in with their PIN.
    case psychologistsOnly
}

/// A risk assessment with the survivor, recorded by a psychologist: the instrument's items in
/// the UI language answered yes / no / don't know (as the instrument offers), a calendar of
/// incidents rated by severity for weighted instruments, a professional override that can only
/// raise the level and needs a reason, recommendations and clinical notes.
///
/// The form works for every role; the core decides: anyone but a signed-in psychologist is
/// refused (`access == .psychologistsOnly`).
@MainActor
public final class AssessmentFormViewModel: ViewModel {
    public let session: FieldSession
    public let caseId: Uuid
    public var language: Language

    public private(set) var instruments: [Instrument] = []
    public private(set) var survivors: [Person] = []
    /// Who is signed in (for the header; the core enforces the role).
    public private(set) var actingProfile: Profile?
    public private(set) var access: AssessmentAccess = .unknown

    // ---- form ---------------------------------------------------------------------------
    /// `id` of the chosen instrument; changing it clears the answers and the calendar.
    public var instrumentKey: String? {
        willSet { willChange() }
        didSet {
            if instrumentKey != oldValue { answers = [:]; calendar = []; overrideLevel = nil; previewChanged() }
            didChange()
        }
    }
    public var survivorId: Uuid? { willSet { willChange() } didSet { didChange() } }
    public private(set) var answers: [String: Answer] = [:]
    public private(set) var calendar: [CalendarEntry] = []
    /// A higher level by professional judgement (nil: the computed level).
    public var overrideLevel: String? { willSet { willChange() } didSet { didChange() } }
    public var overrideReason = "" { willSet { willChange() } didSet { didChange() } }
    public var recommendProtectionOrder = false { willSet { willChange() } didSet { didChange() } }
    public var recommendShelter = false { willSet { willChange() } didSet { didChange() } }
    public var recommendArrest = false { willSet { willChange() } didSet { didChange() } }
    public var followUp: DateComponents? { willSet { willChange() } didSet { didChange() } }
    /// Clinical notes: sealed under the psychologists' key in the core.
    public var notes = "" { willSet { willChange() } didSet { didChange() } }

    public private(set) var isWorking = false
    public private(set) var error: QorgauAppError?
    public private(set) var lastRecorded: RecordedAssessment?

    /// The score so far as the core computes it (`scorePreview`: unanswered items count as "no"
    /// and are counted), asked again off the main thread whenever the instrument, an answer or
    /// the calendar changes. Nil before the first answer arrives from the core, or when it
    /// refused the form as it stands.
    public private(set) var preview: ScorePreview?
    private var previewTask: Task<Void, Never>?
    private var previewRun = 0

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            survivors = []
            actingProfile = nil
            access = .unknown
            survivorId = nil
            answers = [:]
            calendar = []
            overrideLevel = nil
            overrideReason = ""
            notes = ""
            followUp = nil
            recommendProtectionOrder = false
            recommendShelter = false
            recommendArrest = false
            error = nil
            lastRecorded = nil
            preview = nil
        }
    }

    public init(session: FieldSession, caseId: Uuid, language: Language = .preferred()) {
        self.session = session
        self.caseId = caseId
        self.language = language
    }

    public func load() async {
        let caseId = self.caseId
        let result = await session.run(language) { store in
            (try store.instruments(), try store.caseFile(caseId: caseId).people, store.currentProfile())
        }
        switch result {
        case let .success((instruments, people, acting)):
            mutate {
                self.instruments = instruments
                survivors = people.filter { $0.role == .survivor }
                actingProfile = acting
                if survivorId == nil { survivorId = survivors.first?.id }
                if instrumentKey == nil { instrumentKey = instruments.first.map(Self.key) }
            }
        case let .failure(e):
            mutate { error = e }
        }
    }

    nonisolated public static func key(_ i: Instrument) -> String { "\(i.id)@\(i.version)" }

    public var instrument: Instrument? { instruments.first { Self.key($0) == instrumentKey } }

    /// The instrument's title, item texts and band labels in the UI language.
    public func title(_ i: Instrument) -> String { i.title.text(language) }
    public func text(_ item: InstrumentItem) -> String { item.text.text(language) }

    /// The answers this instrument offers (a weighted instrument may have no "don't know").
    public var answerOptions: [Answer] { instrument?.answerOptions ?? [.yes, .no, .dontKnow] }

    public func setAnswer(_ answer: Answer?, for itemId: String) {
        mutate { answers[itemId] = answer; previewChanged() }
    }

    // ---- calendar (weighted instruments) ----------------------------------------------------
    public var hasCalendar: Bool { instrument?.calendar != nil }
    public var maxSeverity: UInt8 { instrument?.calendar?.maxSeverity ?? 0 }

    public func addIncident(on day: DateComponents, severity: UInt8) {
        guard let d = Dates.naive(day) else { return }
        mutate {
            calendar.append(CalendarEntry(date: d, severity: severity))
            calendar.sort { $0.date < $1.date }
            previewChanged()
        }
    }

    public func removeIncident(at index: Int) {
        guard calendar.indices.contains(index) else { return }
        mutate { _ = calendar.remove(at: index); previewChanged() }
    }

    // ---- preview and override ---------------------------------------------------------------

    /// Required items still without an answer.
    public var unanswered: [InstrumentItem] {
        (instrument?.items ?? []).filter { $0.required && answers[$0.id] == nil }
    }

    /// Asks the core for the preview of the form as it stands now; an answer that arrives after
    /// a newer change is dropped.
    private func previewChanged() {
        previewRun += 1
        let run = previewRun
        guard let inst = instrument else {
            preview = nil
            previewTask = nil
            return
        }
        let (id, version, answers, calendar) = (inst.id, inst.version, self.answers, self.calendar)
        previewTask = Task { [weak self, session, language] in
            let result = await session.run(language) {
                try $0.scorePreview(instrumentId: id, version: version, answers: answers, calendar: calendar)
            }
            guard let self, run == self.previewRun else { return }
            self.mutate { self.preview = try? result.get() }
        }
    }

    /// Waits until ``preview`` reflects the latest change (for tests; the screen observes it).
    public func previewSettled() async {
        await previewTask?.value
    }

    /// The score so far (0 until the core's preview arrives).
    public var previewScore: UInt32 { preview?.score ?? 0 }

    /// The level of the score so far, as the instrument's band.
    public var previewBand: Band? {
        guard let level = preview?.level else { return nil }
        return instrument?.bands.first { $0.level == level }
    }

    /// Required questions the preview counts as not answered yet.
    public var questionsLeft: UInt32? { preview?.unanswered }

    /// The preview in one line: the level in the UI language, the score and how many questions
    /// are left ("Орташа (балл 11) · қалған сұрақтар: 3").
    public var previewLine: String? {
        guard let p = preview else { return nil }
        let level = previewBand.map(label) ?? p.level
        let l = language
        let head: String
        switch l {
        case .kk: head = "\(level) (балл \(p.score))"
        case .ru: head = "\(level) (балл \(p.score))"
        case .en: head = "\(level) (score \(p.score))"
        }
        let left: String
        switch (l, p.unanswered) {
        case (.kk, 0): left = "барлық сұраққа жауап берілді"
        case (.ru, 0): left = "ответы на все вопросы"
        case (.en, 0): left = "all questions answered"
        case (.kk, let n): left = "қалған сұрақтар: \(n)"
        case (.ru, let n): left = "осталось вопросов: \(n)"
        case (.en, 1): left = "1 question left"
        case (.en, let n): left = "\(n) questions left"
        }
        return head + " · " + left
    }

    /// Levels the professional can raise the assessment to (never lower).
    public var overrideChoices: [Band] {
        guard let inst = instrument, inst.overrideUpAllowed, let current = previewBand,
              let rank = inst.bands.firstIndex(of: current) else { return [] }
        return Array(inst.bands[(rank + 1)...])
    }

    public func label(_ band: Band) -> String { band.label.text(language) }

    public var canSubmit: Bool {
        survivorId != nil && instrument != nil && unanswered.isEmpty && !isWorking
            && (overrideLevel == nil || overrideReason.nilIfBlank != nil)
    }

    public func makeNewAssessment() -> NewAssessment? {
        guard let survivorId, let inst = instrument else { return nil }
        return NewAssessment(
            survivorId: survivorId,
            instrumentId: inst.id,
            instrumentVersion: inst.version,
            answers: answers,
            calendar: calendar,
            overrideLevel: overrideLevel,
            overrideReason: overrideLevel == nil ? nil : overrideReason.nilIfBlank,
            recommendations: Recommendations(protectionOrder: recommendProtectionOrder, shelter: recommendShelter,
                                             arrestRequest: recommendArrest, followUp: followUp.flatMap(Dates.naive)),
            clinicalNotes: notes
        )
    }

    /// Records the assessment. A refusal by the core because of the role sets
    /// `access = .psychologistsOnly`; the form keeps what was entered.
    @discardableResult
    public func submit() async -> RecordedAssessment? {
        guard let new = makeNewAssessment() else { return nil }
        let caseId = self.caseId
        mutate { isWorking = true; error = nil }
        switch await session.run(language, { try $0.recordAssessment(caseId: caseId, assessment: new) }) {
        case let .success(r):
            mutate {
                lastRecorded = r
                access = .allowed
                answers = [:]; calendar = []; overrideLevel = nil; overrideReason = ""; notes = ""
                recommendProtectionOrder = false; recommendShelter = false; recommendArrest = false; followUp = nil
                isWorking = false
                previewChanged()
            }
            return r
        case let .failure(e):
            let shown = await ClinicalAccess.explain(e, session: session, language: language)
            mutate {
                error = shown
                if e.kind == .permissionDenied { access = .psychologistsOnly }
                isWorking = false
            }
            return nil
        }
    }
}

/// The detail of an assessment as the core released it.
public enum AssessmentDetailState: Equatable, Sendable {
    case notRequested
    case loading
    case loaded(AssessmentDetail)
    /// Refused: answers and clinical notes are for psychologists; the attempt was audited.
    case psychologistsOnly(QorgauAppError)
    case failed(QorgauAppError)
}

/// The assessments of a case as every role sees them (level, score, recommendations), the
/// detail (answers, calendar, override reason, clinical notes) for psychologists only, and the
/// survivor's trend across cases.
@MainActor
public final class AssessmentSummaryViewModel: ViewModel {
    public let session: FieldSession
    public let caseId: Uuid
    public var language: Language

    public private(set) var assessments: [AssessmentSummary] = []
    public private(set) var instruments: [Instrument] = []
    public private(set) var detail: AssessmentDetailState = .notRequested
    public private(set) var trend: [TrendPoint] = []
    public private(set) var error: QorgauAppError?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            assessments = []
            detail = .notRequested
            trend = []
            error = nil
        }
    }

    public init(session: FieldSession, caseId: Uuid, language: Language = .preferred()) {
        self.session = session
        self.caseId = caseId
        self.language = language
    }

    public func load() async {
        let caseId = self.caseId
        switch await session.run(language, { store in (try store.assessmentsOfCase(caseId: caseId), try store.instruments()) }) {
        case let .success((list, instruments)):
            mutate { assessments = list; self.instruments = instruments; error = nil }
        case let .failure(e):
            mutate { error = e }
        }
    }

    /// The latest assessment of the case.
    public var latest: AssessmentSummary? { assessments.max { $0.assessedAt.utc < $1.assessedAt.utc } }

    /// Asks the core for the answers and notes. Only a signed-in psychologist gets them; every
    /// read and every refusal is written to the case's custody log.
    @discardableResult
    public func openDetail(_ assessmentId: Uuid) async -> AssessmentDetailState {
        mutate { detail = .loading }
        switch await session.run(language, { try $0.assessmentDetail(assessmentId: assessmentId) }) {
        case let .success(d): mutate { detail = .loaded(d) }
        case let .failure(e):
            guard e.kind == .permissionDenied else {
                mutate { detail = .failed(e) }
                break
            }
            let shown = await ClinicalAccess.explain(e, session: session, language: language)
            mutate { detail = .psychologistsOnly(shown) }
        }
        return detail
    }

    public func closeDetail() { mutate { detail = .notRequested } }

    /// A survivor's levels over time, oldest first (across cases where her IIN appears).
    public func loadTrend(survivorId: Uuid) async {
        switch await session.run(language, { try $0.levelTrend(survivorId: survivorId) }) {
        case let .success(points): mutate { trend = points }
        case let .failure(e): mutate { error = e }
        }
    }

    public enum Direction: Equatable, Sendable { case rising, falling, steady }

    /// How the last two points of the trend compare.
    public var trendDirection: Direction? {
        guard trend.count >= 2 else { return nil }
        let a = trend[trend.count - 2].levelRank, b = trend[trend.count - 1].levelRank
        return b > a ? .rising : b < a ? .falling : .steady
    }

    private func instrument(_ id: String, _ version: String? = nil) -> Instrument? {
        instruments.first { $0.id == id && (version == nil || $0.version == version) } ?? instruments.first { $0.id == id }
    }

    /// A level's label in the UI language ("Орташа", "Средний", "Medium").
    public func levelLabel(_ level: String, instrumentId: String) -> String {
        instrument(instrumentId)?.bands.first { $0.level == level }?.label.text(language) ?? level
    }

    public func instrumentTitle(_ s: AssessmentSummary) -> String {
        instrument(s.instrumentId, s.instrumentVersion)?.title.text(language) ?? s.instrumentId
    }

    /// An answered item's text in the UI language (for the psychologist's detail view).
    public func itemText(_ itemId: String, of s: AssessmentSummary) -> String {
        instrument(s.instrumentId, s.instrumentVersion)?.items.first { $0.id == itemId }?.text.text(language) ?? itemId
    }

    /// The items of the instrument in order, with the answers given (detail view).
    public func answeredItems(_ d: AssessmentDetail) -> [(item: String, answer: Answer?)] {
        guard let inst = instrument(d.summary.instrumentId, d.summary.instrumentVersion) else {
            return d.clinical.answers.keys.sorted().map { ($0, d.clinical.answers[$0]) }
        }
        return inst.items.map { ($0.text.text(language), d.clinical.answers[$0.id]) }
    }
}

/// A refusal of clinical content, explained by who is signed in (never by the core's words).
enum ClinicalAccess {
    /// A psychologist still waiting for the clinical key is told so (``QorgauAppError/Kind/clinicalKeyPending``),
    /// not the general permission message: the core refuses both alike, and the refusal is in
    /// the custody log either way.
    static func explain(_ e: QorgauAppError, session: FieldSession, language: Language) async -> QorgauAppError {
        guard e.kind == .permissionDenied,
              case let .success(acting?) = await session.run(language, { $0.currentProfile() }),
              SignInViewModel.waitsForClinicalKey(acting) else { return e }
        return QorgauAppError(kind: .clinicalKeyPending, language: language, technicalDetail: e.technicalDetail)
    }
}

extension AssessmentSummary: Identifiable {}
extension TrendPoint: Identifiable {
    public var id: Uuid { assessmentId }
}

extension Answer {
    public static let allInOrder: [Answer] = [.yes, .no, .dontKnow]
}
