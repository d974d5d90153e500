#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

/// Verification on the device, and export of the case for court. The bundle holds personal data
/// in clear: it is written to a protected temporary folder, shared, then deleted.
struct VerifyExportView: View {
    @StateObject private var vm: VerifyExportViewModel

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
                    ShareLink(item: url) { Label("export.share", systemImage: "square.and.arrow.up.on.square") }
                    Button("export.delete", role: .destructive) { try? FileManager.default.removeItem(at: url) }
                }
            } footer: {
                Text("export.footer")
            }
            ErrorBanner(error: vm.error)
        }
        .navigationTitle("verify.title")
    }

    private func export() async {
        guard let dir = try? AppDirectories.exports else { return }
        await vm.export(to: dir)
    }
}
#endif
