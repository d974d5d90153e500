import Foundation
import QorgauFFI

/// The sync screen: what waits to be sent to the police station, enrolment with the station
/// (the duty officer's enrolment card scanned and confirmed, or address + one-time code typed
/// by hand), and "sync now" with progress and a cancel button.
///
/// Everything is kept on the device until the station acknowledges it (the core's outbox), so
/// a failed or stopped sync loses nothing. The screen only ever says that everything was sent
/// when the store itself reports nothing waiting (``State/allSent``): never from a sync's result
/// alone, never while sending, and never when the store could not be read.
@MainActor
public final class SyncViewModel: ViewModel {
    /// What the screen says about sending, derived from the store's own counts.
    public enum State: Sendable, Equatable {
        /// The store's counts are not known (not read yet, or reading failed).
        case unknown
        /// No station yet: nothing can be sent (whatever waits stays on the device).
        case notEnrolled
        case sending
        case waiting(records: UInt64, bytes: UInt64)
        /// The store reports nothing waiting.
        case allSent
    }

    public let session: FieldSession
    public var language: Language

    /// A scanned enrolment card, read without contacting anyone, shown for the officer to compare
    /// with the printed card before anything is sent (``confirmCard()`` / ``cancelCard()``).
    public struct ScannedCard: Sendable, Equatable {
        /// The station's address and the fingerprints the card names (grouped by four).
        public let info: EnrolmentCardInfo
        /// The card's text as scanned: it holds the one-time code, so it is kept only until the
        /// enrolment succeeds or the officer cancels.
        let text: String

        /// Whether the card's address is plain http (only to this machine: tests, the demo).
        public var isPlainHTTP: Bool { !SyncViewModel.isHTTPS(info.stationUrl) }
    }

    /// What the last enrolment on this screen established (not kept across restarts: the store
    /// keeps the station and the keys, the screen only shows them once).
    public struct EnrolledStation: Sendable, Equatable {
        public let stationUrl: String
        public let officer: String
        public let unit: String
        /// The station key this device now trusts, grouped by four.
        public let stationKeyFingerprint: String
        /// The TLS root fingerprint from the card (nil when the code was typed by hand: the root
        /// then comes from the station's answer, authenticated by the code).
        public let tlsRootFingerprint: String?
        /// Whether this device pinned a TLS root for the station (https).
        public let tlsRootPinned: Bool
        /// Whether enrolment was by the scanned card.
        public let byCard: Bool

        init(_ e: Enrolment, tlsRootFingerprint: String?, byCard: Bool) {
            stationUrl = e.stationUrl
            officer = e.officer
            unit = e.unit
            stationKeyFingerprint = e.stationKeyFingerprint
            self.tlsRootFingerprint = tlsRootFingerprint
            tlsRootPinned = e.tlsRootPinned
            self.byCard = byCard
        }
    }

    /// The station's address, e.g. `https://10.20.0.5:8440` (filled in from the store once enrolled).
    public var stationUrl = "" { willSet { willChange() } didSet { didChange() } }
    /// The duty officer's one-time enrolment code (16 letters and digits; spaces and dashes are ignored).
    public var code = "" { willSet { willChange() } didSet { didChange() } }
    /// The officer marked that the station uses its own certificate (its own CA, not a public one).
    /// Only used for an https address; the device then trusts only ``stationCertificate``.
    public var usesStationCertificate = false { willSet { willChange() } didSet { didChange() } }
    /// The station's CA certificate (PEM), as picked by the officer (the file importer on iOS).
    public var stationCertificate: Data? { willSet { willChange() } didSet { didChange() } }

    /// The scanned card waiting for the officer's confirmation.
    public private(set) var pendingCard: ScannedCard?
    /// What the last enrolment on this screen established (fingerprints to show).
    public private(set) var enrolled: EnrolledStation?
    /// What waits, as the store last reported it (nil when unknown).
    public private(set) var status: SyncStatus?
    /// The station this device is enrolled with.
    public private(set) var station: String?
    public private(set) var isLoading = false
    public private(set) var isEnrolling = false
    public private(set) var isSyncing = false
    /// Bytes of originals uploaded in the running (or last) sync, and the total waiting when it started.
    public private(set) var bytesDone: UInt64 = 0
    public private(set) var bytesTotal: UInt64 = 0
    /// The result of the last sync that completed.
    public private(set) var lastReport: SyncReport?
    /// True when the last sync was stopped by the officer (not an error).
    public private(set) var wasCancelled = false
    public private(set) var error: QorgauAppError?

    private var observer: CaptureProgress?
    private var run = 0
    /// The last scanned text that was not a usable card (the camera reports it again and again).
    private var refusedScan: String?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            code = ""
            pendingCard = nil
            refusedScan = nil
            error = nil
        }
    }

    public init(session: FieldSession, language: Language = .preferred()) {
        self.session = session
        self.language = language
    }

    // ---- actions ----------------------------------------------------------------------------

    /// Reads what waits and the station from the store (off the main thread).
    public func refresh() async {
        set { isLoading = true }
        let loaded = await load()
        set { apply(loaded); isLoading = false }
    }

    /// Enrols the device with the station at ``stationUrl`` using ``code``. The code is cleared
    /// once used; on a refusal it stays so that a typo can be corrected.
    @discardableResult
    public func enrol() async -> Bool {
        guard !isEnrolling, !isSyncing else { return false }
        guard let url = Self.stationURL(stationUrl) else {
            set { error = QorgauAppError(kind: .invalidInput(field: "station_url"), language: language) }
            return false
        }
        // The core refuses it too; refused here before any network call, in plain words.
        if Self.isPlainHTTPOffThisMachine(url) {
            set { error = QorgauAppError(kind: .plainHTTPRefused, language: language) }
            return false
        }
        let code = Self.normalisedCode(self.code)
        guard !code.isEmpty else {
            set { error = QorgauAppError(kind: .invalidInput(field: "enrolment_code"), language: language) }
            return false
        }
        let ca: Data?
        if Self.isHTTPS(url) && usesStationCertificate {
            guard let pem = stationCertificate, !pem.isEmpty else {
                set { error = QorgauAppError(kind: .invalidInput(field: "station_certificate"), language: language) }
                return false
            }
            ca = pem
        } else {
            ca = nil
        }
        set { isEnrolling = true; error = nil }
        let enrolment: Enrolment
        do {
            if let ca {
                enrolment = try await session.perform { try $0.enrolWithCertificate(stationUrl: url, code: code, caPem: ca) }
            } else {
                enrolment = try await session.perform { try $0.enrol(stationUrl: url, code: code) }
            }
        } catch {
            set { isEnrolling = false; self.error = QorgauAppError(error, language: language) }
            return false
        }
        let loaded = await load()
        set {
            apply(loaded)
            isEnrolling = false
            self.code = ""
            stationUrl = url
            pendingCard = nil
            enrolled = EnrolledStation(enrolment, tlsRootFingerprint: nil, byCard: false)
        }
        return true
    }

    /// A QR code from the camera (or a card's text pasted): read without contacting anyone and,
    /// when it is an enrolment card, shown for confirmation (``pendingCard``). Returns whether a
    /// card is now waiting for confirmation. Repeats of the code on screen are ignored, and so is
    /// anything scanned while a card waits or an enrolment runs.
    @discardableResult
    public func cardScanned(_ text: String) -> Bool {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !isEnrolling, !isSyncing, pendingCard == nil else { return false }
        guard text != refusedScan else { return false }
        do {
            let info = try parseEnrolmentCard(text: text)
            set {
                pendingCard = ScannedCard(info: info, text: text)
                refusedScan = nil
                error = nil
            }
            return true
        } catch {
            set {
                refusedScan = text
                self.error = Self.cardScanError(error, language: language)
            }
            return false
        }
    }

    /// The officer compared the card on screen with the printed one: enrols with it (off the
    /// main thread). The device then trusts only the TLS root and the station key the card
    /// names; on any refusal nothing is stored and the card stays on screen with the reason.
    @discardableResult
    public func confirmCard() async -> Bool {
        guard let card = pendingCard, !isEnrolling, !isSyncing else { return false }
        set { isEnrolling = true; error = nil }
        let text = card.text
        let enrolment: Enrolment
        do {
            enrolment = try await session.perform { try $0.enrolWithCard(card: text) }
        } catch {
            set { isEnrolling = false; self.error = Self.cardEnrolmentError(error, language: language) }
            return false
        }
        let loaded = await load()
        set {
            apply(loaded)
            isEnrolling = false
            pendingCard = nil
            refusedScan = nil
            code = ""
            stationUrl = enrolment.stationUrl
            enrolled = EnrolledStation(enrolment, tlsRootFingerprint: card.info.tlsRootFingerprint, byCard: true)
        }
        return true
    }

    /// The officer did not confirm the card (or wants to scan another): nothing was sent.
    public func cancelCard() {
        guard !isEnrolling else { return }
        set {
            pendingCard = nil
            refusedScan = nil
            error = nil
        }
    }

    /// Sends everything waiting to the enrolled station (off the main thread), with progress.
    /// Returns the report, or nil when it failed or was stopped (``error`` / ``wasCancelled``).
    @discardableResult
    public func syncNow() async -> SyncReport? {
        guard !isSyncing, !isEnrolling else { return nil }
        guard station != nil else {
            set { error = QorgauAppError(kind: .sync(.notEnrolled), language: language) }
            return nil
        }
        run += 1
        let token = run
        let observer = CaptureProgress { [weak self] done, total in
            Task { @MainActor in self?.progressed(done: done, total: total, token: token) }
        }
        self.observer = observer
        set {
            isSyncing = true
            bytesDone = 0
            bytesTotal = status?.pendingBytes ?? 0
            wasCancelled = false
            lastReport = nil
            error = nil
        }
        let outcome = await BackgroundSync.run(session: session, progress: observer, language: language)
        // The store's counts are read again before "sending" ends, so the screen goes from
        // "sending" straight to what the store reports, never to a stale "all sent".
        let loaded = await load()
        set {
            if run == token { run += 1 } // progress still in flight for this run is ignored
            self.observer = nil
            switch outcome {
            case let .synced(report):
                lastReport = report
                bytesDone = report.uploadedBytes
            case .notEnrolled:
                error = QorgauAppError(kind: .sync(.notEnrolled), language: language)
            case .cancelled:
                wasCancelled = true
            case let .failed(e):
                error = e.localized(language)
            }
            apply(loaded)
            isSyncing = false
        }
        return outcome.report
    }

    /// Stops the running sync between two pieces of an upload (pieces are 8 MiB; a push of
    /// records already under way completes). What was not acknowledged stays waiting.
    public func cancel() {
        observer?.cancel()
    }

    public var isEnrolled: Bool { station != nil }
    public var canConfirmCard: Bool { pendingCard != nil && !isEnrolling && !isSyncing }
    /// Whether the camera may be opened for a card (not while a card waits or anything runs).
    public var canScanCard: Bool { pendingCard == nil && !isEnrolling && !isSyncing }
    public var canEnrol: Bool {
        !isEnrolling && !isSyncing && !stationUrl.trimmingCharacters(in: .whitespaces).isEmpty && !Self.normalisedCode(code).isEmpty
            && !(needsStationCertificate && stationCertificate?.isEmpty != false)
    }
    /// Whether the address is https, so the station's own certificate can be chosen.
    public var isHTTPSAddress: Bool { Self.isHTTPS(stationUrl.trimmingCharacters(in: .whitespacesAndNewlines)) }
    /// Whether enrolment needs the station's CA certificate (https and marked by the officer).
    public var needsStationCertificate: Bool { isHTTPSAddress && usesStationCertificate }
    public var canSync: Bool { isEnrolled && !isSyncing && !isEnrolling }

    /// 0...1 while sending originals (0 when there are none).
    public var progress: Double {
        bytesTotal == 0 ? 0 : min(1, Double(bytesDone) / Double(bytesTotal))
    }

    // ---- what the screen says (kk / ru / en) -----------------------------------------------

    public var state: State {
        if isSyncing { return .sending }
        guard let status else { return .unknown }
        if station == nil { return .notEnrolled }
        if status.pendingRecords > 0 || status.pendingBytes > 0 {
            return .waiting(records: status.pendingRecords, bytes: status.pendingBytes)
        }
        return .allSent
    }

    /// One line on the state of sending.
    public var headline: String {
        switch state {
        case .unknown where isLoading:
            return Say(kk: "Жіберуді күтіп тұрғаны тексерілуде…",
                       ru: "Проверяется, что ждёт отправки…",
                       en: "Checking what waits to be sent…")(language)
        case .unknown:
            return Say(kk: "Жіберуді не күтіп тұрғаны белгісіз.",
                       ru: "Неизвестно, что ждёт отправки.",
                       en: "It is not known what waits to be sent.")(language)
        case .notEnrolled:
            return Say(kk: "Құрылғы бөлімге тіркелмеген: әзірге ештеңе жіберілмейді. Бәрі осы құрылғыда сақталады.",
                       ru: "Устройство не подключено к отделу: пока ничего не отправляется. Всё хранится на этом устройстве.",
                       en: "This device is not enrolled with a station: nothing can be sent yet. Everything stays on this device.")(language)
        case .sending:
            return Say(kk: "Бөлімге жіберілуде…", ru: "Отправка в отдел…", en: "Sending to the station…")(language)
        case .waiting:
            return Say(kk: "Әлі бәрі жіберілген жоқ.", ru: "Ещё не всё отправлено.", en: "Not everything has been sent yet.")(language)
        case .allSent:
            return Say(kk: "Барлығы бөлімге жіберілді.", ru: "Всё отправлено в отдел.", en: "Everything has been sent to the station.")(language)
        }
    }

    /// What the officer is asked before enrolling with a scanned card.
    public var cardPrompt: String? {
        guard pendingCard != nil else { return nil }
        return Say(kk: "Бөлімнің мекенжайы мен екі саусақ ізін кезекші көрсеткен немесе басып шығарған картадағы жазумен салыстырыңыз. Бәрі сәйкес келсе ғана тіркеңіз.",
                   ru: "Сверьте адрес отдела и оба отпечатка с тем, что написано на карточке, которую показал или распечатал дежурный. Подключайтесь, только если всё совпадает.",
                   en: "Compare the station's address and both fingerprints with what is written on the card the duty officer showed or printed. Enrol only if everything matches.")(language)
    }

    /// A warning about the scanned card: a fingerprint it does not name, or plain http.
    public var cardWarning: String? {
        guard let card = pendingCard else { return nil }
        if card.isPlainHTTP {
            return Say(kk: "Бұл карта шифрланбаған http мекенжайын көрсетеді: тек осы құрылғыдағы сынақ бөлімі үшін.",
                       ru: "На этой карточке незашифрованный адрес http: только для тестового отдела на этом же устройстве.",
                       en: "This card names an unencrypted http address: only for a test station on this same device.")(language)
        }
        if card.info.tlsRootFingerprint == nil || card.info.stationKeyFingerprint == nil {
            return Say(kk: "Бұл картада саусақ іздерінің бірі жоқ: телефон оны тексере алмайды. Кезекшіден толық карта сұраңыз.",
                       ru: "На этой карточке нет одного из отпечатков: телефон не сможет его проверить. Попросите у дежурного полную карточку.",
                       en: "This card does not name both fingerprints: the phone cannot check what is missing. Ask the duty officer for a complete card.")(language)
        }
        return nil
    }

    /// After an enrolment on this screen: for whom, and how the connection is protected.
    public var enrolledLine: String? {
        guard let e = enrolled else { return nil }
        let l = language
        let who = Say(kk: "Тіркелді: \(e.officer), \(e.unit).", ru: "Подключено: \(e.officer), \(e.unit).", en: "Enrolled: \(e.officer), \(e.unit).")(l)
        let tls: String
        if e.tlsRootPinned {
            tls = Say(kk: "Байланыс шифрланған, тек осы бөлімнің түбірлік сертификатына сенеді.",
                      ru: "Связь зашифрована, доверие только корневому сертификату этого отдела.",
                      en: "The connection is encrypted and trusts only this station's root certificate.")(l)
        } else {
            tls = Say(kk: "Байланыс шифрланбаған (тек осы құрылғы ішінде).",
                      ru: "Связь не зашифрована (только внутри этого устройства).",
                      en: "The connection is not encrypted (only within this device).")(l)
        }
        return who + " " + tls
    }

    /// What waits: records, bytes of originals and since when (nil when nothing waits or unknown).
    public var waitingLine: String? {
        guard let status, status.pendingRecords > 0 else { return nil }
        let l = language
        var what = Wording.records(status.pendingRecords, l)
        if status.pendingBytes > 0 { what += " (\(Wording.bytes(status.pendingBytes, l)))" }
        guard let oldest = status.oldestPendingAt else {
            return Say(kk: "Жіберуді күтуде: \(what).", ru: "Ждут отправки: \(what).", en: "Waiting to be sent: \(what).")(l)
        }
        let since = UserMessages.localTime(oldest, l)
        return Say(kk: "Жіберуді күтуде: \(what), ең ертесі — \(since).",
                   ru: "Ждут отправки: \(what), самая ранняя — от \(since).",
                   en: "Waiting to be sent: \(what), the oldest from \(since).")(l)
    }

    /// When the last sync succeeded.
    public var lastSuccessLine: String? {
        guard let status else { return nil }
        let l = language
        guard let at = status.lastSuccessAt else {
            return Say(kk: "Бұл құрылғыдан әлі ештеңе жіберілген жоқ.",
                       ru: "С этого устройства ещё ничего не отправлялось.",
                       en: "Nothing has been sent from this device yet.")(l)
        }
        let when = UserMessages.localTime(at, l)
        return Say(kk: "Соңғы сәтті жіберу: \(when).", ru: "Последняя успешная отправка: \(when).", en: "Last successful sync: \(when).")(l)
    }

    /// The last sync's problem as the store keeps it (a kind and its time), with whether it
    /// should clear by itself. Nil when the last sync went through cleanly (the store clears it).
    public struct LastProblem: Sendable, Equatable {
        public let problem: SyncProblem
        /// When it happened (nil if the store has no time for it).
        public let at: Date?
        /// Whether the next sync may succeed without anyone acting (`syncFailureIsTransient` for a
        /// failed sync); nil when there is nothing to say (the officer stopped the sync).
        public let clearsByItself: Bool?
    }

    /// The store's last sync problem (``SyncStatus/lastProblem``), as a kind with its time.
    public var lastProblem: LastProblem? {
        guard let status, let problem = status.lastProblem else { return nil }
        return LastProblem(problem: problem, at: status.lastErrorAt.flatMap(Dates.rfc3339),
                           clearsByItself: UserMessages.clearsByItself(problem))
    }

    /// The last sync's problem in plain words, with its time and whether it clears by itself.
    public var lastProblemLine: String? {
        guard let last = lastProblem else { return nil }
        let l = language
        var what = UserMessages.message(for: last.problem, l)
        if let clears = last.clearsByItself { what += " " + UserMessages.retryNote(clears, l) }
        guard let at = last.at else { return Strings.text("sync.lastProblem %@", l, [what]) }
        return Strings.text("sync.lastProblem %@ %@", l, [UserMessages.localTime(at, l), what])
    }

    /// Progress of the running sync.
    public var progressLine: String? {
        guard isSyncing else { return nil }
        let l = language
        guard bytesTotal > 0 else {
            return Say(kk: "Жазбалар жіберілуде…", ru: "Отправляются записи…", en: "Sending records…")(l)
        }
        let done = Wording.bytes(bytesDone, l), total = Wording.bytes(bytesTotal, l)
        return Say(kk: "\(total) ішінен \(done) жіберілді", ru: "Отправлено \(done) из \(total)", en: "Sent \(done) of \(total)")(l)
    }

    /// The outcome of the last sync (what was sent, refusals, or that it was stopped).
    public var resultLine: String? {
        let l = language
        if wasCancelled {
            return Say(kk: "Жіберу тоқтатылды. Ештеңе жоғалған жоқ: жіберілмегені осы құрылғыда күтуде.",
                       ru: "Отправка остановлена. Ничего не потеряно: неотправленное ждёт на этом устройстве.",
                       en: "Sending stopped. Nothing is lost: what was not sent still waits on this device.")(l)
        }
        guard let r = lastReport else { return nil }
        var lines: [String] = []
        if r.acked == 0 {
            lines.append(Say(kk: "Жаңа жазба жіберілген жоқ.", ru: "Новых записей не отправлено.", en: "No new records were sent.")(l))
        } else {
            var what = Wording.records(r.acked, l)
            if r.uploadedBytes > 0 {
                let b = Wording.bytes(r.uploadedBytes, l)
                what += Say(kk: ", түпнұсқалар — \(b)", ru: ", оригиналы — \(b)", en: ", originals \(b)")(l)
            }
            lines.append(Say(kk: "Жіберілді: \(what).", ru: "Отправлено: \(what).", en: "Sent: \(what).")(l))
        }
        if !r.rejected.isEmpty {
            lines.append(UserMessages.message(for: .entriesRefused(count: UInt64(r.rejected.count)), l))
            if let why = UserMessages.rejections(r.rejected.map(\.code), l) { lines.append(why) }
        }
        if r.registry != nil {
            lines.append(Say(kk: "Бөлімнің тізілімі жаңартылды.", ru: "Реестр отдела обновлён.", en: "The station's registry was updated.")(l))
        }
        if r.registryError != nil {
            // The registry could not be imported; since issue 10 this no longer stops sending.
            lines.append(UserMessages.message(for: .registryNotUpdated, l))
        }
        return lines.joined(separator: " ")
    }

    // ---- internals --------------------------------------------------------------------------

    private struct Loaded: Sendable {
        let status: SyncStatus?
        let station: String?
        let error: QorgauAppError?
    }

    private func load() async -> Loaded {
        let language = self.language
        do {
            return try await session.perform { store in
                Loaded(status: try store.syncStatus(), station: try store.station(), error: nil)
            }
        } catch {
            return Loaded(status: nil, station: nil, error: QorgauAppError(error, language: language))
        }
    }

    /// Takes the store's counts (or forgets them when they could not be read: "unknown", never
    /// a stale "all sent").
    private func apply(_ loaded: Loaded) {
        status = loaded.status
        if let e = loaded.error {
            error = e
            return
        }
        station = loaded.station
        if stationUrl.trimmingCharacters(in: .whitespaces).isEmpty, let s = loaded.station { stationUrl = s }
    }

    private func progressed(done: UInt64, total: UInt64, token: Int) {
        guard token == run, isSyncing else { return }
        set {
            bytesDone = done
            if total > 0 { bytesTotal = total }
        }
    }

    private func set(_ change: () -> Void) {
        willChange()
        change()
        didChange()
    }

    /// The station address as the core takes it: `http(s)://host[:port][/path]`, no trailing
    /// slash; nil when it is not such an address.
    public nonisolated static func stationURL(_ text: String) -> String? {
        var s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while s.hasSuffix("/") { s.removeLast() }
        guard let url = URL(string: s), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil else { return nil }
        return s
    }

    nonisolated static func isHTTPS(_ url: String) -> Bool {
        url.lowercased().hasPrefix("https://")
    }

    /// Plain `http://` to anything but this machine: originals would cross the network
    /// unencrypted, so the app refuses it as the core does.
    public nonisolated static func isPlainHTTPOffThisMachine(_ url: String) -> Bool {
        let s = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard s.lowercased().hasPrefix("http://") else { return false }
        guard let host = URL(string: s)?.host else { return true }
        return !isLoopbackHost(host)
    }

    /// 127.0.0.0/8, ::1 and localhost: the only hosts plain http may go to.
    nonisolated static func isLoopbackHost(_ host: String) -> Bool {
        let h = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil }
    }

    /// A card that could not be read, by kind. The core names the card's address `station` when
    /// it refuses it (plain http to another machine): on this screen that is the card's fault,
    /// not the address field's.
    nonisolated static func cardScanError(_ error: Error, language: Language) -> QorgauAppError {
        let e = QorgauAppError(error, language: language)
        if e.kind == .invalidInput(field: "station") {
            return QorgauAppError(kind: .cardAddressRefused, language: language, technicalDetail: e.technicalDetail)
        }
        return e
    }

    /// A refused card enrolment, by kind. With a card, a TLS certificate the phone does not trust
    /// or an answer that does not verify means the station is not the one the card names.
    nonisolated static func cardEnrolmentError(_ error: Error, language: Language) -> QorgauAppError {
        let e = cardScanError(error, language: language)
        switch e.kind {
        case .sync(.untrustedCertificate), .sync(.enrolmentNotAuthentic):
            return QorgauAppError(kind: .stationNotOnCard, language: language, technicalDetail: e.technicalDetail)
        default:
            return e
        }
    }

    /// The code as the station issues it: letters and digits only, upper case (codes are read
    /// out and typed in groups).
    public nonisolated static func normalisedCode(_ text: String) -> String {
        String(text.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII }.map(Character.init)).uppercased()
    }
}

private typealias Say = UserMessages.Text

/// One sync run for a background task (BGProcessingTask on iOS) or the sync screen: does nothing
/// when the device is not enrolled; otherwise pulls the registry and pushes what waits.
public enum BackgroundSync {
    public enum Outcome: Sendable, Equatable {
        case notEnrolled
        case synced(SyncReport)
        /// Stopped through the progress observer (e.g. the system's expiration handler).
        case cancelled
        case failed(QorgauAppError)

        /// Whether the run did what it could (for `BGTask.setTaskCompleted(success:)`).
        public var succeeded: Bool {
            switch self {
            case .notEnrolled, .synced: return true
            case .cancelled, .failed: return false
            }
        }

        public var report: SyncReport? {
            if case let .synced(r) = self { return r }
            return nil
        }
    }

    /// Runs one sync off the calling thread. `progress` reports bytes of originals uploaded and
    /// its ``CaptureProgress/cancel()`` stops the run; nothing unacknowledged is lost.
    public static func run(session: FieldSession, progress: CaptureProgress? = nil, language: Language = .en) async -> Outcome {
        do {
            return try await session.perform { store -> Outcome in
                guard try store.station() != nil else { return .notEnrolled }
                return .synced(try store.sync(progress: progress))
            }
        } catch QorgauError.Cancelled {
            return .cancelled
        } catch {
            return .failed(QorgauAppError(error, language: language))
        }
    }
}

/// Counts and sizes in plain words.
enum Wording {
    /// "3 records" / "3 записи" / "3 жазба".
    static func records(_ n: UInt64, _ l: Language) -> String {
        switch l {
        case .kk: return "\(n) жазба"
        case .en: return n == 1 ? "1 record" : "\(n) records"
        case .ru:
            let mod10 = n % 10, mod100 = n % 100
            if mod10 == 1 && mod100 != 11 { return "\(n) запись" }
            if (2...4).contains(mod10) && !(12...14).contains(mod100) { return "\(n) записи" }
            return "\(n) записей"
        }
    }

    /// A size in decimal units as iOS shows file sizes ("56 KB", "1,2 МБ").
    static func bytes(_ n: UInt64, _ l: Language) -> String {
        let units = l == .en ? ["B", "KB", "MB", "GB", "TB"] : ["Б", "КБ", "МБ", "ГБ", "ТБ"]
        var value = Double(n)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        let text: String
        if unit == 0 || value >= 10 {
            text = String(Int(value.rounded()))
        } else {
            let s = String(format: "%.1f", value)
            text = l == .en ? s : s.replacingOccurrences(of: ".", with: ",")
        }
        return "\(text) \(units[unit])"
    }
}
