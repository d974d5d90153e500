import Foundation
import QorgauFFI

/// A statement taken in Kazakh, Russian or English (or a recorded refusal), and corrections as
/// new versions. The statement language is the person's choice and is independent of the app's
/// UI language: the consent questions are shown in the statement language, to be read out.
@MainActor
public final class StatementViewModel: ViewModel {
    public let session: FieldSession
    public let caseId: Uuid
    /// The app's UI language (for errors).
    public var language: Language

    public private(set) var people: [Person] = []
    public private(set) var statements: [Statement] = []

    // ---- form ---------------------------------------------------------------------------
    public var personId: Uuid? { willSet { willChange() } didSet { didChange() } }
    public var statementLanguage: Language = .kk { willSet { willChange() } didSet { didChange() } }
    public var text = "" { willSet { willChange() } didSet { didChange() } }
    /// Badge number of who takes the statement; the device's officer by default.
    public var takenBy: String { willSet { willChange() } didSet { didChange() } }
    public var shareWithCrisisCentre = false { willSet { willChange() } didSet { didChange() } }
    public var shareWithCourt = false { willSet { willChange() } didSet { didChange() } }
    /// The person's signature drawn on the screen, as PNG.
    public var signaturePng: Data? { willSet { willChange() } didSet { didChange() } }
    /// When set, the statement is recorded as a correction of this one (a new version).
    public var correcting: Uuid? { willSet { willChange() } didSet { didChange() } }

    public private(set) var isSaving = false
    public private(set) var error: QorgauAppError?
    public private(set) var lastRecorded: RecordedStatement?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            people = []
            statements = []
            personId = nil
            text = ""
            signaturePng = nil
            correcting = nil
            shareWithCrisisCentre = false
            shareWithCourt = false
            error = nil
            lastRecorded = nil
        }
    }

    public init(session: FieldSession, caseId: Uuid, language: Language = .preferred()) {
        self.session = session
        self.caseId = caseId
        self.language = language
        self.takenBy = session.officer.badge
    }

    public func load() async {
        let caseId = self.caseId
        do {
            let file = try await session.perform { try $0.caseFile(caseId: caseId) }
            set { people = file.people; statements = file.statements }
        } catch {
            set { self.error = QorgauAppError(error, language: language) }
        }
    }

    public var canSubmit: Bool {
        personId != nil && text.nilIfBlank != nil && takenBy.nilIfBlank != nil && !isSaving
    }

    public func makeNewStatement() -> NewStatement? {
        guard let personId else { return nil }
        return NewStatement(
            personId: personId,
            language: statementLanguage,
            text: text,
            takenBy: takenBy.trimmingCharacters(in: .whitespaces),
            consent: Consent(shareWithCrisisCentre: shareWithCrisisCentre, shareWithCourt: shareWithCourt),
            signaturePng: signaturePng
        )
    }

    /// Records the statement (or the correction of `correcting`).
    @discardableResult
    public func submit() async -> RecordedStatement? {
        guard let statement = makeNewStatement() else { return nil }
        let caseId = self.caseId
        let replaces = correcting
        return await save { store in
            if let replaces {
                return try store.correctStatement(replaces: replaces, statement: statement)
            }
            return try store.recordStatement(caseId: caseId, statement: statement)
        }
    }

    /// Records that the selected person declined to give a statement.
    @discardableResult
    public func recordRefusal(reason: String) async -> RecordedStatement? {
        guard let personId else { return nil }
        let caseId = self.caseId
        let language = statementLanguage
        let takenBy = self.takenBy.trimmingCharacters(in: .whitespaces)
        return await save { store in
            try store.recordRefusal(caseId: caseId, personId: personId, language: language, reason: reason, takenBy: takenBy)
        }
    }

    /// Starts a correction of `statement`: the form is filled with its text.
    public func beginCorrection(of statement: Statement) {
        willChange()
        correcting = statement.id
        personId = statement.personId
        statementLanguage = statement.language
        text = statement.text
        shareWithCrisisCentre = statement.consent.shareWithCrisisCentre
        shareWithCourt = statement.consent.shareWithCourt
        didChange()
    }

    /// The current version of each statement (corrections replace what they supersede).
    public var currentStatements: [Statement] {
        let superseded = Set(statements.compactMap(\.supersedes))
        return statements.filter { !superseded.contains($0.id) }
    }

    /// The consent questions, in the statement language, to be read to the person.
    public var consentQuestions: (crisisCentre: String, court: String) {
        Self.consentQuestions(statementLanguage)
    }

    public static func consentQuestions(_ l: Language) -> (crisisCentre: String, court: String) {
        switch l {
        case .kk:
            return ("Түсініктемеңізді дағдарыс орталығымен бөлісуге келісесіз бе?",
                    "Түсініктемеңізді сотқа беруге келісесіз бе?")
        case .ru:
            return ("Согласны ли вы передать ваши показания в кризисный центр?",
                    "Согласны ли вы передать ваши показания в суд?")
        case .en:
            return ("Do you agree that your statement is shared with the crisis centre?",
                    "Do you agree that your statement is given to the court?")
        }
    }

    private func save(_ work: @escaping @Sendable (QorgauStore) throws -> RecordedStatement) async -> RecordedStatement? {
        set { isSaving = true; error = nil }
        do {
            let recorded = try await session.perform(work)
            set {
                lastRecorded = recorded
                statements.append(recorded.record)
                isSaving = false
                text = ""; signaturePng = nil; correcting = nil
            }
            return recorded
        } catch {
            set { self.error = QorgauAppError(error, language: language); isSaving = false }
            return nil
        }
    }

    private func set(_ change: () -> Void) {
        willChange()
        change()
        didChange()
    }
}

extension Statement: Identifiable {}
