import Foundation
import QorgauFFI

/// The "open a case at the scene" form. The officer may type the survivor's name and IIN here
/// (live-validated); the survivor is then added right after the case is opened.
@MainActor
public final class NewCaseViewModel: ViewModel {
    public let session: FieldSession
    public var language: Language { didSet { revalidate() } }

    // ---- form ---------------------------------------------------------------------------
    public var trigger: Trigger = .witnessReport { willSet { willChange() } didSet { didChange() } }
    public var categories: Set<CaseCategory> = [] { willSet { willChange() } didSet { didChange() } }
    /// A GPS fix from the platform, if there is one.
    public var gps: GeoPoint? { willSet { willChange() } didSet { didChange() } }
    public var address = "" { willSet { willChange() } didSet { didChange() } }
    public var summary = "" { willSet { willChange() } didSet { didChange() } }
    /// The responding team; the device's officer is always first.
    public var team: [TeamMember] { willSet { willChange() } didSet { didChange() } }
    public var survivorName = "" { willSet { willChange() } didSet { didChange() } }
    public var survivorIin = "" { willSet { willChange() } didSet { revalidate() } }

    // ---- output ---------------------------------------------------------------------------
    public private(set) var survivorIinStatus: IinStatus = .empty
    public private(set) var isSaving = false
    public private(set) var error: QorgauAppError?
    public private(set) var opened: RecordedCase?
    public private(set) var survivor: RecordedPerson?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            categories = []
            gps = nil
            address = ""
            summary = ""
            team = [session.officer]
            survivorName = ""
            survivorIin = ""
            error = nil
            opened = nil
            survivor = nil
        }
    }

    public init(session: FieldSession, language: Language = .preferred()) {
        self.session = session
        self.language = language
        self.team = [session.officer]
    }

    private func revalidate() {
        survivorIinStatus = IinCheck.status(of: survivorIin, language: language)
        didChange()
    }

    public func addTeamMember(role: TeamRole, name: String, badge: String) {
        team.append(TeamMember(role: role, name: name.trimmingCharacters(in: .whitespaces), badge: badge.trimmingCharacters(in: .whitespaces)))
    }

    /// Whether the form can be sent (the core checks everything again).
    public var canSubmit: Bool {
        (gps != nil || !address.trimmingCharacters(in: .whitespaces).isEmpty)
            && !team.isEmpty
            && survivorIinStatus.isAcceptable
            && !isSaving
    }

    /// The form as the core's `NewCase`.
    public func makeNewCase() -> NewCase {
        NewCase(
            location: CaseLocation(point: gps, address: address.nilIfBlank),
            trigger: trigger,
            // A stable order for the record (the core sorts and dedups as well).
            categories: CaseCategory.allInOrder.filter(categories.contains),
            team: team,
            summary: summary.nilIfBlank
        )
    }

    /// The survivor typed on this form, if any.
    public func makeSurvivor() -> NewPerson? {
        guard let name = survivorName.nilIfBlank else { return nil }
        return NewPerson(role: .survivor, fullName: name, dateOfBirth: nil, relationToSurvivor: nil, phone: nil,
                         address: nil, iin: survivorIin.nilIfBlank, identityProtected: false, addressConfidential: false)
    }

    /// Opens the case (and adds the survivor). Returns the case, or nil with `error` set.
    @discardableResult
    public func submit() async -> RecordedCase? {
        set { isSaving = true; error = nil }
        let newCase = makeNewCase()
        let survivor = makeSurvivor()
        do {
            // Validate the survivor before anything is recorded, so that a typo does not leave a
            // case without its survivor.
            if let iin = survivor?.iin { try validateIin(iin: iin) }
            let (c, p) = try await session.perform { store -> (RecordedCase, Result<RecordedPerson?, Error>) in
                let c = try store.openCase(newCase: newCase)
                // The case stands even if adding the survivor fails; the error is shown.
                return (c, Result { try survivor.map { try store.addPerson(caseId: c.record.id, person: $0) } })
            }
            set {
                opened = c
                switch p {
                case let .success(person): self.survivor = person
                case let .failure(e): self.error = QorgauAppError(e, language: language)
                }
                isSaving = false
            }
            return c
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

extension CaseCategory {
    /// Every category, in the order of the form.
    public static let allInOrder: [CaseCategory] = [.physical, .psychological, .sexual, .economic, .stalking, .forcedMarriage, .childInvolved]
}

extension Trigger {
    public static let allInOrder: [Trigger] = [.survivorCall, .witnessReport, .videoRecord, .officerObserved, .agencyReferral]
}

extension String {
    /// The trimmed text, or nil when it is blank.
    var nilIfBlank: String? {
        let t = trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }
}
