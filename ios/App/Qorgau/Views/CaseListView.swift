#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

struct CaseListView: View {
    let session: FieldSession
    @StateObject private var vm: CaseListViewModel
    @State private var showingNewCase = false
    @State private var showingSignIn = false
    @State private var path: [CaseRef] = []
    @EnvironmentObject private var gate: SessionGate

    init(session: FieldSession, language: Language) {
        self.session = session
        _vm = StateObject(wrappedValue: CaseListViewModel(session: session, language: language))
    }

    var body: some View {
        NavigationStack(path: $path) {
            List {
                ErrorBanner(error: vm.error)
                ForEach(vm.cases) { summary in
                    NavigationLink(value: CaseRef(id: summary.id)) {
                        CaseRow(summary: summary)
                    }
                }
            }
            .overlay {
                if vm.cases.isEmpty && !vm.isLoading {
                    Text("cases.empty").foregroundStyle(.secondary)
                }
            }
            .navigationTitle("cases.title")
            .quickHideItem()
            .navigationDestination(for: CaseRef.self) { ref in
                CaseDetailView(session: session, caseId: ref.id, language: vm.language)
            }
            .toolbar {
                ToolbarItem(placement: .primaryAction) {
                    Button { showingNewCase = true } label: { Label("cases.new", systemImage: "plus") }
                }
                ToolbarItem(placement: .navigationBarLeading) {
                    Button { showingSignIn = true } label: { Label("cases.account", systemImage: "person.crop.circle.badge.checkmark") }
                }
                ToolbarItemGroup(placement: .bottomBar) {
                    NavigationLink { CheckPersonView(session: session, language: vm.language) } label: {
                        Label("cases.checkPerson", systemImage: "person.text.rectangle")
                    }
                    Spacer()
                    NavigationLink { QrScanView(session: session, language: vm.language) } label: {
                        Label("cases.scanOrder", systemImage: "qrcode.viewfinder")
                    }
                    Spacer()
                    NavigationLink { DueThisWeekView(session: session, language: vm.language) } label: {
                        Label("cases.due", systemImage: "calendar.badge.clock")
                    }
                    Spacer()
                    NavigationLink { SyncView(session: session, language: vm.language) } label: {
                        Label("cases.sync", systemImage: "arrow.up.arrow.down.circle")
                    }
                }
            }
            .sheet(isPresented: $showingSignIn) {
                SignInView(session: session, language: vm.language, gate: gate)
            }
            .sheet(isPresented: $showingNewCase) {
                NewCaseView(session: session, language: vm.language) { opened in
                    showingNewCase = false
                    Task {
                        await vm.refresh()
                        path.append(CaseRef(id: opened.record.id))
                    }
                }
            }
            .refreshable { await vm.refresh() }
            .task { await vm.refresh() }
        }
    }
}

struct CaseRow: View {
    let summary: CaseSummary

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(L10n.trigger(summary.case.trigger)).font(.headline)
                Spacer()
                Text(L10n.status(summary.status)).font(.caption).foregroundStyle(.secondary)
            }
            Text(summary.case.openedAt.utc, format: .dateTime.day().month().hour().minute())
                .font(.subheadline)
            if let address = summary.case.location.address {
                Text(address).font(.caption).foregroundStyle(.secondary).privacySensitive()
            }
            Text(String(format: L10n.string("cases.counts %lld %lld %lld"),
                        Int(summary.people), Int(summary.evidence), Int(summary.statements)))
                .font(.caption2).foregroundStyle(.secondary)
        }
    }
}

/// One case: its screens.
struct CaseDetailView: View {
    let session: FieldSession
    let caseId: Uuid
    let language: Language
    @State private var file: CaseFile?
    @State private var error: QorgauAppError?

    var body: some View {
        List {
            ErrorBanner(error: error)
            if let file {
                Section {
                    Text(L10n.trigger(file.case.trigger)).font(.headline)
                    Text(file.case.categories.map(L10n.category).joined(separator: ", "))
                    if let summary = file.case.summary { Text(summary).privacySensitive() }
                }
            }
            Section {
                NavigationLink { PeopleView(session: session, caseId: caseId, language: language) } label: {
                    Label(String(format: L10n.string("case.people %lld"), file?.people.count ?? 0), systemImage: "person.2")
                }
                NavigationLink { CaptureView(session: session, caseId: caseId, language: language) } label: {
                    Label(String(format: L10n.string("case.evidence %lld"), file?.evidence.count ?? 0), systemImage: "camera")
                }
                NavigationLink { StatementView(session: session, caseId: caseId, language: language) } label: {
                    Label(String(format: L10n.string("case.statements %lld"), file?.statements.count ?? 0), systemImage: "text.bubble")
                }
                NavigationLink { VerifyExportView(session: session, caseId: caseId, language: language) } label: {
                    Label("case.verifyExport", systemImage: "checkmark.seal")
                }
            }
            Section("case.protection") {
                NavigationLink { CheckPersonView(session: session, currentCase: caseId, language: language) } label: {
                    Label("case.checkPerson", systemImage: "person.text.rectangle")
                }
                NavigationLink { OrderView(session: session, caseId: caseId, language: language) } label: {
                    Label("case.orders", systemImage: "doc.text.fill")
                }
                NavigationLink { AssessmentSummaryView(session: session, caseId: caseId, language: language) } label: {
                    Label("case.risk", systemImage: "gauge.with.needle")
                }
                NavigationLink { ReferralsView(session: session, caseId: caseId, language: language) } label: {
                    Label("case.referrals", systemImage: "arrow.triangle.branch")
                }
                NavigationLink { InterventionsView(session: session, caseId: caseId, language: language) } label: {
                    Label("case.interventions", systemImage: "figure.walk")
                }
            }
        }
        .navigationTitle("case.title")
        .quickHideItem()
        .task { await load() }
        .refreshable { await load() }
    }

    private func load() async {
        let id = caseId
        do {
            file = try await session.perform { try $0.caseFile(caseId: id) }
        } catch {
            self.error = QorgauAppError(error, language: language)
        }
    }
}
#endif
