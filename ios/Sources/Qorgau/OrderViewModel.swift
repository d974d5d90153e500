import Foundation
import QorgauFFI

/// Where an order stands, for the badge on the screen.
public enum OrderState: Equatable, Sendable {
    /// Issued, not yet served on the restricted person.
    case awaitingService
    case inForce
    case expired
    case revoked
}

/// Protection orders on a case: issue at the scene (terms and prohibitions from the core's rule
/// table, in the UI language), serve (signed on the screen, or refused in front of witnesses),
/// extend, revoke, record a violation; the printable PDF and the signed QR code.
@MainActor
public final class OrderViewModel: ViewModel {
    public let session: FieldSession
    public let caseId: Uuid
    public var language: Language

    public private(set) var rules: OrderRules?
    public private(set) var people: [Person] = []
    public private(set) var orders: [OrderStatus] = []
    public var selectedOrderId: Uuid? { willSet { willChange() } didSet { pdf = nil; qrText = nil; didChange() } }

    // ---- issue form ---------------------------------------------------------------------
    public var restrictedPersonId: Uuid? { willSet { willChange() } didSet { protectedPersonIds.remove(restrictedPersonId ?? ""); didChange() } }
    public var protectedPersonIds: Set<Uuid> = [] { willSet { willChange() } didSet { didChange() } }
    public var prohibitions: Set<String> = [] { willSet { willChange() } didSet { didChange() } }
    /// The end of validity when the officer sets it; the rules' term otherwise.
    public var validUntil: Date? { willSet { willChange() } didSet { didChange() } }
    /// The number of a pre-printed paper form; blank: the device numbers the order.
    public var number = "" { willSet { willChange() } didSet { didChange() } }
    /// What the survivor said about the order (the law asks for her opinion).
    public var survivorOpinion = "" { willSet { willChange() } didSet { didChange() } }

    // ---- serve ----------------------------------------------------------------------------
    public var signature = SignatureDrawing() { willSet { willChange() } didSet { didChange() } }
    /// Names or badge numbers of the witnesses of a refusal to sign.
    public var witnesses: [String] = [] { willSet { willChange() } didSet { didChange() } }

    // ---- output ---------------------------------------------------------------------------
    public private(set) var isWorking = false
    public private(set) var error: QorgauAppError?
    public private(set) var lastEvent: RecordedOrderEvent?
    /// The PDF made last (for the share sheet).
    public private(set) var pdf: Data?
    public private(set) var qrText: String?
    public private(set) var qrPng: Data?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            people = []
            orders = []
            selectedOrderId = nil
            restrictedPersonId = nil
            protectedPersonIds = []
            prohibitions = []
            validUntil = nil
            number = ""
            survivorOpinion = ""
            signature.clear()
            witnesses = []
            error = nil
            lastEvent = nil
            pdf = nil
            qrText = nil
            qrPng = nil
        }
    }

    public init(session: FieldSession, caseId: Uuid, language: Language = .preferred()) {
        self.session = session
        self.caseId = caseId
        self.language = language
    }

    /// Loads the rules, the people and the orders of the case; fills the form's defaults (the
    /// alleged aggressor restricted, survivor and children protected).
    public func load() async {
        let caseId = self.caseId
        let result = await session.run(language) { store in
            (store.orderRules(), try store.caseFile(caseId: caseId).people, try store.ordersOfCase(caseId: caseId))
        }
        switch result {
        case let .success((rules, people, orders)):
            mutate {
                self.rules = rules
                self.people = people
                self.orders = orders
                if restrictedPersonId == nil {
                    restrictedPersonId = people.first { $0.role == .allegedAggressor }?.id
                }
                if protectedPersonIds.isEmpty {
                    protectedPersonIds = Set(people.filter { $0.role == .survivor || $0.role == .child }.map(\.id))
                }
                if selectedOrderId == nil { selectedOrderId = orders.last?.order.id }
            }
        case let .failure(e):
            mutate { error = e }
        }
    }

    // ---- form helpers -----------------------------------------------------------------------

    /// Who can be restricted: not a survivor or child (the core also checks age 16+).
    public var restrictablePeople: [Person] { people.filter { $0.role != .survivor && $0.role != .child } }
    /// Who can be protected: everyone but the restricted person.
    public var protectablePeople: [Person] { people.filter { $0.id != restrictedPersonId } }

    public func person(_ id: Uuid) -> Person? { people.first { $0.id == id } }

    /// The prohibitions of the rule table, in order, with their wording in the UI language.
    public var prohibitionChoices: [(code: String, text: String)] {
        (rules?.prohibitions ?? []).map { ($0.code, $0.text.text(language)) }
    }

    public func prohibitionText(_ code: String) -> String {
        rules?.prohibitions.first { $0.code == code }?.text.text(language) ?? code
    }

    /// What a violation leads to, in the UI language (read out when serving).
    public var violationConsequence: String? { rules?.violationConsequence.text(language) }

    /// The end of validity the order will get: the officer's, or the rules' term from now.
    public func effectiveValidUntil(from now: Date = Date()) -> Date? {
        validUntil ?? rules.map { now.addingTimeInterval(TimeInterval($0.termDays) * 86_400) }
    }

    public var canIssue: Bool {
        restrictedPersonId != nil && !protectedPersonIds.isEmpty && !prohibitions.isEmpty && !isWorking
    }

    public func makeNewOrder() -> NewOrder? {
        guard let restricted = restrictedPersonId else { return nil }
        let order = (rules?.prohibitions.map(\.code) ?? []).filter(prohibitions.contains)
        let unknown = prohibitions.subtracting(order).sorted()
        // Protected persons in the order they were added to the case.
        let protected = people.map(\.id).filter(protectedPersonIds.contains)
            + protectedPersonIds.subtracting(people.map(\.id)).sorted()
        return NewOrder(
            restrictedPerson: restricted,
            protectedPersons: protected,
            prohibitions: order + unknown,
            validFrom: nil,
            validUntil: validUntil,
            number: number.nilIfBlank,
            survivorOpinion: survivorOpinion.nilIfBlank
        )
    }

    /// Issues the order and selects it.
    @discardableResult
    public func issue() async -> RecordedOrder? {
        guard let new = makeNewOrder() else { return nil }
        let caseId = self.caseId
        let issued = await perform { try $0.issueOrder(caseId: caseId, order: new) }
        if let issued {
            mutate { selectedOrderId = issued.record.id; number = ""; survivorOpinion = ""; validUntil = nil }
            await reload()
        }
        return issued
    }

    // ---- the selected order ---------------------------------------------------------------

    public var selected: OrderStatus? { orders.first { $0.order.id == selectedOrderId } }

    nonisolated public static func state(of s: OrderStatus, now: Date = Date()) -> OrderState {
        if s.revoked { return .revoked }
        if now >= s.validUntil { return .expired }
        if s.servedAt == nil { return .awaitingService }
        return .inForce
    }

    /// Records the restricted person's signature drawn on the pad.
    @discardableResult
    public func serveSigned() async -> RecordedOrderEvent? {
        guard let id = selectedOrderId, !signature.isEmpty else { return nil }
        let png = signature.png()
        let ev = await event { try $0.serveOrder(orderId: id, how: .signed(signatureImage: png)) }
        if ev != nil { mutate { signature.clear() } }
        return ev
    }

    /// Records that the person refused to sign, in front of `witnesses`.
    @discardableResult
    public func serveRefused() async -> RecordedOrderEvent? {
        guard let id = selectedOrderId else { return nil }
        let names = witnesses.compactMap(\.nilIfBlank)
        let ev = await event { try $0.serveOrder(orderId: id, how: .refusedToSign(witnesses: names)) }
        if ev != nil { mutate { witnesses = [] } }
        return ev
    }

    @discardableResult
    public func extend(until: Date, reason: String) async -> RecordedOrderEvent? {
        guard let id = selectedOrderId else { return nil }
        return await event { try $0.extendOrder(orderId: id, newValidUntil: until, reason: reason) }
    }

    @discardableResult
    public func revoke(reason: String) async -> RecordedOrderEvent? {
        guard let id = selectedOrderId else { return nil }
        return await event { try $0.revokeOrder(orderId: id, reason: reason) }
    }

    /// Records a violation; the restricted person becomes a repeat offender.
    @discardableResult
    public func recordViolation(description: String, occurredAt: Date = Date()) async -> RecordedOrderEvent? {
        guard let id = selectedOrderId else { return nil }
        return await event { try $0.recordViolation(orderId: id, description: description, occurredAt: occurredAt) }
    }

    /// The printable order (one page per language): the served copy never shows the protected
    /// persons' addresses; the police-file copy shows those not marked confidential.
    @discardableResult
    public func makePdf(copy: OrderCopy, languages: [Language]) async -> Data? {
        guard let id = selectedOrderId else { return nil }
        let data = await perform { try $0.orderPdf(orderId: id, copy: copy, languages: languages) }
        if let data { mutate { pdf = data } }
        return data
    }

    /// Writes the last PDF into `directory` (a protected temporary folder) for the share sheet.
    public func writePdf(to directory: URL, copy: OrderCopy) throws -> URL? {
        guard let pdf, let s = selected else { return nil }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let safe = s.order.number.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        let url = directory.appendingPathComponent("\(String(safe))-\(copy == .served ? "served" : "police-file").pdf")
        try pdf.write(to: url, options: .atomic)
        return url
    }

    /// The order's signed QR text and its PNG (`scale` pixels per module).
    @discardableResult
    public func loadQr(scale: UInt32 = 6) async -> String? {
        guard let id = selectedOrderId else { return nil }
        let r = await perform { store in (try store.orderQrText(orderId: id), try store.orderQrPng(orderId: id, scale: scale)) }
        if let r { mutate { qrText = r.0; qrPng = r.1 } }
        return r?.0
    }

    public func reload() async {
        let caseId = self.caseId
        if case let .success(list) = await session.run(language, { try $0.ordersOfCase(caseId: caseId) }) {
            mutate { orders = list }
        }
    }

    private func event(_ work: @escaping @Sendable (QorgauStore) throws -> RecordedOrderEvent) async -> RecordedOrderEvent? {
        let ev = await perform(work)
        if let ev {
            mutate { lastEvent = ev }
            await reload()
        }
        return ev
    }

    private func perform<T: Sendable>(_ work: @escaping @Sendable (QorgauStore) throws -> T) async -> T? {
        mutate { isWorking = true; error = nil }
        switch await session.run(language, work) {
        case let .success(v):
            mutate { isWorking = false }
            return v
        case let .failure(e):
            mutate { error = e; isWorking = false }
            return nil
        }
    }
}

/// A verified order code as the officer reads it: the core's typed answer, its times in the UI
/// language's conventions and its prohibitions worded from the rule table.
public struct VerifiedOrder: Equatable, Sendable {
    /// What the code says (number, validity, restricted and protected persons as printed,
    /// prohibition codes, the issuing device).
    public let code: VerifiedOrderCode
    /// The prohibitions, worded in the UI language.
    public let prohibitions: [String]
    /// Valid from, valid until (after extensions, as printed) and issued, as local date and time.
    public let validFromText: String
    public let validUntilText: String
    public let issuedAtText: String

    public var number: String { code.number }
    public var validFrom: Date { code.validFrom }
    public var validUntil: Date { code.validUntil }
    public var issuedAt: Date { code.issuedAt }
}

/// The verification of a scanned order code, offline. Scanners report the same code many times
/// a second: a code already verified (or being verified) is not verified again.
@MainActor
public final class OrderQrViewModel: ViewModel {
    public let session: FieldSession
    public var language: Language

    public private(set) var result: Phase<VerifiedOrder> = .idle
    public private(set) var lastText: String?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            result = .idle
            lastText = nil
        }
    }

    public init(session: FieldSession, language: Language = .preferred()) {
        self.session = session
        self.language = language
    }

    /// Verifies a code (typed, pasted or scanned).
    @discardableResult
    public func verify(_ text: String) async -> VerifiedOrder? {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        mutate { lastText = text; result = .working }
        let language = self.language
        let r = await session.run(language) { store -> VerifiedOrder in
            let c = try store.verifyOrderQr(text: text)
            let rules = store.orderRules()
            let words = c.prohibitions.map { code in rules.prohibitions.first { $0.code == code }?.text.text(language) ?? code }
            return VerifiedOrder(code: c, prohibitions: words,
                                 validFromText: UserMessages.dateTime(c.validFrom, language),
                                 validUntilText: UserMessages.dateTime(c.validUntil, language),
                                 issuedAtText: UserMessages.dateTime(c.issuedAt, language))
        }
        switch r {
        case let .success(v): mutate { result = .done(v) }; return v
        case let .failure(e): mutate { result = .failed(e) }; return nil
        }
    }

    /// From the camera: ignores repeats of the code on screen.
    public func scanned(_ text: String) async {
        if result.isWorking || text.trimmingCharacters(in: .whitespacesAndNewlines) == lastText { return }
        await verify(text)
    }

    public func reset() {
        mutate { result = .idle; lastText = nil }
    }
}

extension OrderStatus: Identifiable {
    public var id: Uuid { order.id }
}

extension OrderCopy {
    public static let allInOrder: [OrderCopy] = [.served, .policeFile]
}
