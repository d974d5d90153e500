#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import UniformTypeIdentifiers
import Qorgau
import QorgauFFI

/// Sending to the police station: what waits, "send now" with progress and a stop button, and
/// enrolment with the duty officer's one-time code. The wording (kk / ru / en) comes from
/// `SyncViewModel`, which says "everything has been sent" only when the store reports nothing
/// waiting. Sending also runs in the background (`BackgroundSyncTask`).
struct SyncView: View {
    @StateObject private var vm: SyncViewModel
    @State private var showingEnrolAgain = false
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
                if let failure = vm.lastErrorLine {
                    Label(failure, systemImage: "exclamationmark.triangle").font(.callout).foregroundStyle(.orange)
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
                    DisclosureGroup("sync.enrolAgain", isExpanded: $showingEnrolAgain) {
                        enrolFields
                    }
                }
            } else {
                Section {
                    enrolFields
                } header: {
                    Text("sync.enrol")
                } footer: {
                    Text("sync.enrolFooter")
                }
            }

            ErrorBanner(error: vm.error)
        }
        .navigationTitle("sync.title")
        .fileImporter(isPresented: $pickingCertificate, allowedContentTypes: [.x509Certificate, .data, .plainText]) { result in
            guard case let .success(url) = result else { return }
            readCertificate(url)
        }
        .task { await vm.refresh() }
        .refreshable { await vm.refresh() }
    }

    @ViewBuilder
    private var enrolFields: some View {
        TextField("sync.stationUrl", text: $vm.stationUrl)
            .keyboardType(.URL)
            .textContentType(.URL)
            .textInputAutocapitalization(.never)
            .autocorrectionDisabled()
        TextField("sync.code", text: $vm.code)
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
#endif
