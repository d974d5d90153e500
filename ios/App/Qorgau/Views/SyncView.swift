#if canImport(SwiftUI) && canImport(UIKit)
import AVFoundation
import SwiftUI
import UniformTypeIdentifiers
import Qorgau
import QorgauFFI

/// Sending to the police station: what waits, "send now" with progress and a stop button, and
/// enrolment: the duty officer's enrolment card scanned with the camera (the same `QrScanner` as
/// for orders), shown for comparison with the printed card, then confirmed; or, as a fallback,
/// the station's address and one-time code typed by hand. The wording (kk / ru / en) and all the
/// logic come from `SyncViewModel`, which says "everything has been sent" only when the store
/// reports nothing waiting. Sending also runs in the background (`BackgroundSyncTask`).
struct SyncView: View {
    @StateObject private var vm: SyncViewModel
    @State private var showingEnrolAgain = false
    @State private var typingByHand = false
    @State private var scanningCard = false
    @State private var pickingCertificate = false
    @State private var certificateName: String?

    init(session: FieldSession, language: Language) {
        _vm = StateObject(wrappedValue: SyncViewModel(session: session, language: language))
    }

    var body: some View {
        Form {
            Section {
                Label(vm.headline, systemImage: headlineIcon)
                    .foregroundStyle(headlineColor)
                if let waiting = vm.waitingLine {
                    Text(waiting)
                }
                if let success = vm.lastSuccessLine {
                    Text(success).font(.callout).foregroundStyle(.secondary)
                }
                // The store's last problem as a kind, with its time and whether it clears by itself.
                if let problem = vm.lastProblemLine {
                    Label(problem, systemImage: vm.lastProblem?.clearsByItself == true ? "arrow.clockwise.circle" : "exclamationmark.triangle")
                        .font(.callout)
                        .foregroundStyle(vm.lastProblem?.clearsByItself == true ? Color.secondary : Color.orange)
                }
            }

            if vm.isEnrolled {
                Section {
                    if vm.isSyncing {
                        ProgressView(value: vm.progress) {
                            Text(vm.progressLine ?? vm.headline)
                        }
                        Button(role: .cancel) { vm.cancel() } label: {
                            Label("sync.cancel", systemImage: "stop.circle")
                        }
                    } else {
                        Button { Task { await vm.syncNow() } } label: {
                            Label("sync.now", systemImage: "arrow.up.circle")
                        }
                        .disabled(!vm.canSync)
                    }
                    if let result = vm.resultLine {
                        Text(result).font(.callout)
                    }
                } footer: {
                    Text("sync.footer")
                }

                Section("sync.station") {
                    if let station = vm.station {
                        Text(station).font(.callout.monospaced()).textSelection(.enabled)
                    }
                    if let enrolled = vm.enrolled {
                        if let line = vm.enrolledLine { Text(line).font(.callout) }
                        fingerprint("sync.cardStationKey", enrolled.stationKeyFingerprint)
                        if let root = enrolled.tlsRootFingerprint { fingerprint("sync.cardTlsRoot", root) }
                    }
                    DisclosureGroup("sync.enrolAgain", isExpanded: $showingEnrolAgain) {
                        if vm.pendingCard == nil { scanCardButton }
                        enrolFields
                    }
                }
                if let card = vm.pendingCard { cardSection(card) }
            } else if let card = vm.pendingCard {
                cardSection(card)
            } else {
                Section {
                    scanCardButton
                } header: {
                    Text("sync.enrol")
                } footer: {
                    Text("sync.scanCardFooter")
                }
                Section {
                    DisclosureGroup("sync.typeByHand", isExpanded: $typingByHand) {
                        enrolFields
                    }
                } footer: {
                    Text("sync.enrolFooter")
                }
            }

            ErrorBanner(error: vm.error)
        }
        .navigationTitle("sync.title")
        .quickHideItem()
        .sheet(isPresented: $scanningCard) {
            EnrolmentCardScanSheet(vm: vm) { scanningCard = false }
        }
        .fileImporter(isPresented: $pickingCertificate, allowedContentTypes: [.x509Certificate, .data, .plainText]) { result in
            guard case let .success(url) = result else { return }
            readCertificate(url)
        }
        .task { await vm.refresh() }
        .refreshable { await vm.refresh() }
    }

    @ViewBuilder
    private var enrolFields: some View {
        TextField("sync.stationUrl", text: $vm.stationUrl).noKeyboardLearning()
            .keyboardType(.URL)
            .textContentType(.URL)
            .textInputAutocapitalization(.never)
            .autocorrectionDisabled()
        TextField("sync.code", text: $vm.code).noKeyboardLearning()
            .textInputAutocapitalization(.characters)
            .autocorrectionDisabled()
            .font(.body.monospaced())
        if vm.isHTTPSAddress {
            Toggle("sync.ownCertificate", isOn: $vm.usesStationCertificate)
            if vm.usesStationCertificate {
                Button { pickingCertificate = true } label: {
                    Label(vm.stationCertificate == nil ? LocalizedStringKey("sync.chooseCertificate") : LocalizedStringKey("sync.certificateChosen"),
                          systemImage: vm.stationCertificate == nil ? "doc.badge.plus" : "checkmark.shield")
                }
                if let certificateName, vm.stationCertificate != nil {
                    Text(certificateName).font(.callout.monospaced()).foregroundStyle(.secondary)
                }
                Text("sync.ownCertificateFooter").font(.footnote).foregroundStyle(.secondary)
            }
        }
        Button {
            Task {
                if await vm.enrol() { showingEnrolAgain = false }
            }
        } label: {
            Label("sync.enrolButton", systemImage: "link.badge.plus")
        }
        .disabled(!vm.canEnrol)
        if vm.isEnrolling { ProgressView() }
    }

    private var scanCardButton: some View {
        Button { scanningCard = true } label: {
            Label("sync.scanCard", systemImage: "qrcode.viewfinder")
        }
        .disabled(!vm.canScanCard)
    }

    /// The scanned card, for the officer to compare with the printed one before anything is sent.
    private func cardSection(_ card: SyncViewModel.ScannedCard) -> some View {
        Section {
            LabeledContent("sync.cardStation") {
                Text(card.info.stationUrl).font(.callout.monospaced()).textSelection(.enabled)
            }
            fingerprint("sync.cardTlsRoot", card.info.tlsRootFingerprint)
            fingerprint("sync.cardStationKey", card.info.stationKeyFingerprint)
            if let prompt = vm.cardPrompt { Text(prompt).font(.callout) }
            if let warning = vm.cardWarning {
                Label(warning, systemImage: "exclamationmark.triangle").font(.callout).foregroundStyle(.orange)
            }
            Button {
                Task { if await vm.confirmCard() { showingEnrolAgain = false } }
            } label: {
                Label("sync.cardConfirm", systemImage: "checkmark.shield")
            }
            .disabled(!vm.canConfirmCard)
            Button("sync.cardCancel", role: .cancel) { vm.cancelCard() }
                .disabled(vm.isEnrolling)
            if vm.isEnrolling { ProgressView() }
        } header: {
            Text("sync.cardTitle")
        }
    }

    /// A fingerprint in groups of four, as printed on the card (wraps onto two lines).
    private func fingerprint(_ label: LocalizedStringKey, _ value: String?) -> some View {
        VStack(alignment: .leading, spacing: 2) {
            Text(label).font(.caption).foregroundStyle(.secondary)
            if let value {
                Text(value).font(.callout.monospaced()).textSelection(.enabled)
            } else {
                Text("sync.cardNotOnCard").font(.callout).foregroundStyle(.orange)
            }
        }
    }

    /// Reads the picked CA certificate (PEM); the picker's URL is only readable inside a security scope.
    private func readCertificate(_ url: URL) {
        let scoped = url.startAccessingSecurityScopedResource()
        defer { if scoped { url.stopAccessingSecurityScopedResource() } }
        guard let data = try? Data(contentsOf: url), !data.isEmpty else { return }
        vm.stationCertificate = data
        certificateName = url.lastPathComponent
    }

    private var headlineIcon: String {
        switch vm.state {
        case .allSent: return "checkmark.circle.fill"
        case .sending: return "arrow.up.circle"
        case .waiting: return "tray.full"
        case .notEnrolled: return "link"
        case .unknown: return "questionmark.circle"
        }
    }

    private var headlineColor: Color {
        switch vm.state {
        case .allSent: return .green
        case .waiting, .notEnrolled: return .orange
        case .sending, .unknown: return .primary
        }
    }
}

/// The camera for the duty officer's enrolment card: the QR scanner used to check orders
/// (`QrScanner`). Closes as soon as a card is read; anything else scanned shows the view
/// model's message (repeats of the same code are ignored by the view model).
private struct EnrolmentCardScanSheet: View {
    @ObservedObject var vm: SyncViewModel
    let done: () -> Void
    @State private var cameraAllowed = AVCaptureDevice.authorizationStatus(for: .video) == .authorized

    var body: some View {
        NavigationStack {
            VStack(spacing: 12) {
                if cameraAllowed {
                    QrScanner { text in if vm.cardScanned(text) { done() } }
                        .clipShape(RoundedRectangle(cornerRadius: 12))
                } else {
                    Text("sync.cardNoCamera").foregroundStyle(.secondary)
                    Spacer()
                }
                ErrorBanner(error: vm.error)
            }
            .padding()
            .navigationTitle("sync.cardScanTitle")
            .quickHideItem()
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("sync.cardClose") { done() }
                }
            }
        }
        .task {
            if !cameraAllowed { cameraAllowed = await AVCaptureDevice.requestAccess(for: .video) }
        }
    }
}
#endif
