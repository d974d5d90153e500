import Foundation
import QorgauFFI

/// Referrals of a person on the case to a crisis centre, shelter, legal aid, a psychologist or
/// medical help. The person's consent comes first: the question is read out in the language she
/// chooses and the officer records her answer; without it no referral is made. Consent can be
/// withdrawn at any time, which closes the referral.
@MainActor
public final class ReferralsViewModel: ViewModel {
    public let session: FieldSession
    public let caseId: Uuid
    public var language: Language

    public private(set) var people: [Person] = []
    public private(set) var referrals: [ReferralState] = []

    // ---- form ---------------------------------------------------------------------------
    public var personId: Uuid? { willSet { willChange() } didSet { consentGiven = false; didChange() } }
    public var kind: ReferralKind = .crisisCentre { willSet { willChange() } didSet { consentGiven = false; didChange() } }
    public var organisation = "" { willSet { willChange() } didSet { didChange() } }
    /// Children placed with her (shelter or crisis centre only).
    public var childrenPlaced = 0 { willSet { willChange() } didSet { didChange() } }
    /// The language the consent question is read out in (the person's choice).
    public var consentLanguage: Language = .kk { willSet { willChange() } didSet { didChange() } }
    /// The person's answer, recorded by the officer after reading the question out. Reset
    /// whenever the person or the kind of referral changes.
    public var consentGiven = false { willSet { willChange() } didSet { didChange() } }
    public var note = "" { willSet { willChange() } didSet { didChange() } }

    public private(set) var isWorking = false
    public private(set) var error: QorgauAppError?
    public private(set) var lastMade: RecordedReferral?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            people = []
            referrals = []
            personId = nil
            organisation = ""
            childrenPlaced = 0
            consentGiven = false
            note = ""
            error = nil
            lastMade = nil
        }
    }

    public init(session: FieldSession, caseId: Uuid, language: Language = .preferred()) {
        self.session = session
        self.caseId = caseId
        self.language = language
    }

    public func load() async {
        let caseId = self.caseId
        switch await session.run(language, { store in (try store.caseFile(caseId: caseId).people, try store.referrals(caseId: caseId)) }) {
        case let .success((people, referrals)):
            mutate {
                self.people = people
                self.referrals = referrals
                if personId == nil { personId = people.first { $0.role == .survivor }?.id }
            }
        case let .failure(e):
            mutate { error = e }
        }
    }

    public var childrenAllowed: Bool { kind == .shelter || kind == .crisisCentre }

    public var canSubmit: Bool {
        personId != nil && organisation.nilIfBlank != nil && consentGiven && !isWorking
            && childrenPlaced >= 0 && (childrenPlaced == 0 || childrenAllowed)
    }

    public func makeNewReferral() -> NewReferral? {
        guard let personId else { return nil }
        return NewReferral(personId: personId, kind: kind, organisation: organisation.trimmingCharacters(in: .whitespacesAndNewlines),
                           childrenPlaced: UInt32(max(0, childrenPlaced)), consentGiven: consentGiven, note: note.nilIfBlank)
    }

    /// Makes the referral (the core refuses it without consent).
    @discardableResult
    public func submit() async -> RecordedReferral? {
        guard let new = makeNewReferral() else { return nil }
        let caseId = self.caseId
        let made = await perform { try $0.makeReferral(caseId: caseId, referral: new) }
        if let made {
            mutate { lastMade = made; organisation = ""; childrenPlaced = 0; note = ""; consentGiven = false }
            await reload()
        }
        return made
    }

    /// Moves a referral on (accepted, in progress, completed, declined, cancelled).
    @discardableResult
    public func setStatus(_ referralId: Uuid, _ status: ReferralStatus, note: String? = nil) async -> RecordedReferralUpdate? {
        let note = note?.nilIfBlank
        return await update { try $0.updateReferral(referralId: referralId, change: .status(status: status, note: note)) }
    }

    /// Records that the person withdrew consent: the referral stops and nothing more is shared.
    @discardableResult
    public func withdrawConsent(_ referralId: Uuid, reason: String? = nil) async -> RecordedReferralUpdate? {
        let reason = reason?.nilIfBlank
        return await update { try $0.updateReferral(referralId: referralId, change: .consentWithdrawn(reason: reason)) }
    }

    /// The statuses a referral can still move to (none once closed or consent is withdrawn).
    nonisolated public static func nextStatuses(_ s: ReferralState) -> [ReferralStatus] {
        guard s.consentActive, ![.completed, .declined, .cancelled].contains(s.status) else { return [] }
        return [ReferralStatus.accepted, .inProgress, .completed, .declined, .cancelled].filter { $0 != s.status }
    }

    public func person(_ id: Uuid) -> Person? { people.first { $0.id == id } }

    /// The consent question, in the language it is read out in.
    public var consentQuestion: String { Self.consentQuestion(kind, consentLanguage) }

    nonisolated public static func consentQuestion(_ kind: ReferralKind, _ l: Language) -> String {
        let w: (kk: String, ru: String, en: String)
        switch kind {
        case .crisisCentre: w = ("дағдарыс орталығына", "в кризисный центр", "to a crisis centre")
        case .shelter: w = ("баспанаға (шелтерге)", "в приют (шелтер)", "to a shelter")
        case .legalAid: w = ("заң көмегіне", "за юридической помощью", "for legal aid")
        case .psychologist: w = ("психологқа", "к психологу", "to a psychologist")
        case .medical: w = ("медициналық көмекке", "за медицинской помощью", "for medical help")
        }
        switch l {
        case .kk:
            return "Сізді \(w.kk) жолдауға және сол үшін аты-жөніңіз бен байланыс деректеріңізді беруге келісесіз бе? Келісіміңізді кез келген уақытта кері қайтара аласыз."
        case .ru:
            return "Согласны ли вы, чтобы вас направили \(w.ru) и передали для этого ваше имя и контакты? Вы можете отозвать согласие в любой момент."
        case .en:
            return "Do you agree to be referred \(w.en), and that your name and contact details are passed on for it? You can withdraw your consent at any time."
        }
    }

    private func update(_ work: @escaping @Sendable (QorgauStore) throws -> RecordedReferralUpdate) async -> RecordedReferralUpdate? {
        let u = await perform(work)
        if u != nil { await reload() }
        return u
    }

    private func reload() async {
        let caseId = self.caseId
        if case let .success(list) = await session.run(language, { try $0.referrals(caseId: caseId) }) {
            mutate { referrals = list }
        }
    }

    private func perform<T: Sendable>(_ work: @escaping @Sendable (QorgauStore) throws -> T) async -> T? {
        mutate { isWorking = true; error = nil }
        switch await session.run(language, work) {
        case let .success(v): mutate { isWorking = false }; return v
        case let .failure(e): mutate { error = e; isWorking = false }; return nil
        }
    }
}

extension ReferralState: Identifiable {
    public var id: Uuid { referral.id }
}

extension ReferralKind {
    public static let allInOrder: [ReferralKind] = [.crisisCentre, .shelter, .legalAid, .psychologist, .medical]
}

extension ReferralStatus {
    public static let allInOrder: [ReferralStatus] = [.proposed, .accepted, .inProgress, .completed, .declined, .cancelled]
}
