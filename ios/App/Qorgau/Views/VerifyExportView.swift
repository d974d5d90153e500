#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

/// Verification on the device, and export of the case for court. The bundle holds personal data
/// in clear: it is written to a protected temporary folder, and leaves only by a confirmed share
/// that is first written to the case's custody chain (`recordBundleShared`); it is deleted as
/// soon as the share sheet closes.
struct VerifyExportView: View {
    @StateObject private var vm: VerifyExportViewModel
    @State private var sharing: SharedBundle?

    init(session: FieldSession, caseId: Uuid, language: Language) {
        _vm = StateObject(wrappedValue: VerifyExportViewModel(session: session, caseId: caseId, language: language))
    }

    var body: some View {
        Form {
            Section {
                Button { Task { await vm.verify() } } label: { Label("verify.run", systemImage: "checkmark.seal") }
                    .disabled(vm.isWorking)
                if vm.isWorking { ProgressView() }
                if let headline = vm.headline {
                    Label(headline, systemImage: vm.report?.ok == true ? "checkmark.seal.fill" : "xmark.seal.fill")
                        .foregroundStyle(vm.report?.ok == true ? .green : .red)
                }
                if let failure = vm.report?.failure {
                    // The core's precise account, for the technician (English, no personal data).
                    Text("\(failure.what)\n\(failure.file ?? failure.record ?? "")").font(.caption.monospaced())
                }
            }
            Section {
                Button { Task { await export() } } label: { Label("export.run", systemImage: "square.and.arrow.up") }
                    .disabled(vm.isWorking)
                if let summary = vm.export, let url = vm.bundleURL {
                    Text(String(format: L10n.string("export.summary %lld %@"), summary.files.count, summary.deviceFingerprint))
                        .font(.caption)
                    // Leaves the app only by a confirmed act; deleted as soon as the share sheet closes.
                    Button { vm.askToShare() } label: { Label("export.share", systemImage: "square.and.arrow.up.on.square") }
                        .disabled(vm.isWorking || !FileManager.default.fileExists(atPath: url.path))
                    Button("export.delete", role: .destructive) { vm.discardBundle() }
                }
            } footer: {
                Text("export.footer")
            }
            ErrorBanner(error: vm.error)
        }
        .confirmationDialog("export.confirmTitle", isPresented: Binding(get: { vm.confirmingShare }, set: { if !$0 { vm.cancelShare() } }),
                            titleVisibility: .visible) {
            // Recorded in the custody chain first; only then is the share sheet offered (an
            // error is shown instead if the core refuses or fails).
            Button("export.confirmShare") {
                Task { sharing = await vm.confirmShare().map(SharedBundle.init) }
            }
            Button("common.cancel", role: .cancel) { vm.cancelShare() }
        } message: {
            Text("export.confirmMessage")
        }
        .sheet(item: $sharing, onDismiss: { vm.sharingFinished() }) { bundle in
            ActivitySheet(items: [bundle.url]) { sharing = nil }
        }
        .navigationTitle("verify.title")
        .quickHideItem()
    }

    struct SharedBundle: Identifiable {
        let url: URL
        var id: String { url.path }
    }

    private func export() async {
        guard let dir = try? AppDirectories.exports else { return }
        await vm.export(to: dir)
    }
}
/// The system share sheet; `done` when it closes (sent or cancelled).
struct ActivitySheet: UIViewControllerRepresentable {
    let items: [Any]
    let done: () -> Void

    func makeUIViewController(context: Context) -> UIActivityViewController {
        let c = UIActivityViewController(activityItems: items, applicationActivities: nil)
        c.completionWithItemsHandler = { _, _, _, _ in done() }
        return c
    }

    func updateUIViewController(_ uiViewController: UIActivityViewController, context: Context) {}
}
#endif
