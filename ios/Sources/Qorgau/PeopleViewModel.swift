import Foundation
import QorgauFFI

/// The people on a case, and the form to add one (IIN validated live).
@MainActor
public final class PeopleViewModel: ViewModel {
    public let session: FieldSession
    public let caseId: Uuid
    public var language: Language { didSet { revalidate() } }

    // ---- list ---------------------------------------------------------------------------
    public private(set) var people: [Person] = []
    public private(set) var isLoading = false

    // ---- form ---------------------------------------------------------------------------
    public var role: PersonRole = .survivor { willSet { willChange() } didSet { didChange() } }
    public var fullName = "" { willSet { willChange() } didSet { didChange() } }
    public var iin = "" { willSet { willChange() } didSet { revalidate() } }
    /// Date of birth when there is no IIN (the IIN carries it otherwise).
    public var dateOfBirth: DateComponents? { willSet { willChange() } didSet { didChange() } }
    public var relationToSurvivor = "" { willSet { willChange() } didSet { didChange() } }
    public var phone = "" { willSet { willChange() } didSet { didChange() } }
    public var address = "" { willSet { willChange() } didSet { didChange() } }
    /// Only for witnesses (e.g. the neighbour who called).
    public var identityProtected = false { willSet { willChange() } didSet { didChange() } }
    public var addressConfidential = false { willSet { willChange() } didSet { didChange() } }

    public private(set) var iinStatus: IinStatus = .empty
    public private(set) var isSaving = false
    public private(set) var error: QorgauAppError?
    public private(set) var lastAdded: RecordedPerson?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            people = []
            fullName = ""
            iin = ""
            dateOfBirth = nil
            relationToSurvivor = ""
            phone = ""
            address = ""
            identityProtected = false
            addressConfidential = false
            error = nil
            lastAdded = nil
        }
    }

    public init(session: FieldSession, caseId: Uuid, language: Language = .preferred()) {
        self.session = session
        self.caseId = caseId
        self.language = language
    }

    private func revalidate() {
        iinStatus = IinCheck.status(of: iin, language: language)
        didChange()
    }

    public var canAdd: Bool {
        fullName.nilIfBlank != nil && iinStatus.isAcceptable && !isSaving
            && (!identityProtected || role == .witness)
    }

    public func makeNewPerson() -> NewPerson {
        NewPerson(
            role: role,
            fullName: fullName.trimmingCharacters(in: .whitespacesAndNewlines),
            dateOfBirth: dateOfBirth.flatMap(Self.naiveDate),
            relationToSurvivor: relationToSurvivor.nilIfBlank,
            phone: phone.nilIfBlank,
            address: address.nilIfBlank,
            iin: iin.nilIfBlank,
            identityProtected: identityProtected,
            addressConfidential: addressConfidential
        )
    }

    public func load() async {
        let caseId = self.caseId
        set { isLoading = true }
        do {
            let file = try await session.perform { try $0.caseFile(caseId: caseId) }
            set { people = file.people; isLoading = false }
        } catch {
            set { self.error = QorgauAppError(error, language: language); isLoading = false }
        }
    }

    /// Adds the person on the form; on success the form is cleared and the list reloaded.
    @discardableResult
    public func add() async -> RecordedPerson? {
        let caseId = self.caseId
        let person = makeNewPerson()
        set { isSaving = true; error = nil }
        do {
            let added = try await session.perform { try $0.addPerson(caseId: caseId, person: person) }
            set { lastAdded = added; people.append(added.record); isSaving = false; clearForm() }
            return added
        } catch {
            set { self.error = QorgauAppError(error, language: language); isSaving = false }
            return nil
        }
    }

    public func clearForm() {
        willChange()
        role = .witness
        fullName = ""; iin = ""; dateOfBirth = nil; relationToSurvivor = ""
        phone = ""; address = ""; identityProtected = false; addressConfidential = false
        didChange()
    }

    /// The people who can give a statement (everyone on the case).
    public func person(_ id: Uuid) -> Person? { people.first { $0.id == id } }

    /// "YYYY-MM-DD" as the core expects.
    static func naiveDate(_ c: DateComponents) -> NaiveDate? {
        guard let y = c.year, let m = c.month, let d = c.day else { return nil }
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    private func set(_ change: () -> Void) {
        willChange()
        change()
        didChange()
    }
}

extension Person: Identifiable {}

extension PersonRole {
    public static let allInOrder: [PersonRole] = [.survivor, .allegedAggressor, .witness, .child, .other]
}
