#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

/// Preventive interventions on a case, with the date of the next check.
struct InterventionsView: View {
    @StateObject private var vm: InterventionsViewModel
    @State private var date = Date()
    @State private var hasNext = false
    @State private var next = Date().addingTimeInterval(7 * 86_400)

    init(session: FieldSession, caseId: Uuid, language: Language) {
        _vm = StateObject(wrappedValue: InterventionsViewModel(session: session, caseId: caseId, language: language))
    }

    var body: some View {
        Form {
            Section("intervention.new") {
                Picker("intervention.person", selection: $vm.personId) {
                    Text("statement.choose").tag(Uuid?.none)
                    ForEach(vm.people) { Text(personLabel($0)).tag(Uuid?.some($0.id)) }
                }
                Picker("intervention.kind", selection: $vm.kind) {
                    ForEach(InterventionKind.allInOrder, id: \.self) { Text(L10n.interventionKind($0)).tag($0) }
                }
                DatePicker("intervention.date", selection: $date, in: ...Date(), displayedComponents: .date)
                TextField("intervention.outcome", text: $vm.outcome, axis: .vertical).noKeyboardLearning().privacySensitive()
                Toggle("intervention.hasNext", isOn: $hasNext)
                if hasNext {
                    DatePicker("intervention.next", selection: $next, in: date..., displayedComponents: .date)
                }
                ErrorBanner(error: vm.error)
                Button("intervention.record") { Task { await vm.submit() } }
                    .disabled(!vm.canSubmit)
            }
            .onChange(of: date) { vm.date = dayComponents($0) }
            .onChange(of: hasNext) { on in vm.nextCheck = on ? dayComponents(next) : nil }
            .onChange(of: next) { d in if hasNext { vm.nextCheck = dayComponents(d) } }
            Section("intervention.onCase") {
                ForEach(vm.interventions.reversed()) { i in
                    VStack(alignment: .leading, spacing: 4) {
                        HStack {
                            Text(L10n.interventionKind(i.kind)).font(.headline)
                            Spacer()
                            Text(i.date).font(.caption.monospaced())
                        }
                        if let p = vm.person(i.personId) { Text(personLabel(p)).font(.caption).privacySensitive() }
                        Text(i.outcome).font(.subheadline).privacySensitive()
                        if let n = i.nextCheck {
                            Text(String(format: L10n.string("intervention.nextOn %@"), n)).font(.caption).foregroundStyle(.secondary)
                        }
                    }
                }
            }
        }
        .navigationTitle("intervention.title")
        .quickHideItem()
        .task { await vm.load() }
    }
}

/// What is due this week on the device (follow-ups and weekly order checks), overdue first.
struct DueThisWeekView: View {
    let session: FieldSession
    let language: Language
    @StateObject private var vm: DueThisWeekViewModel

    init(session: FieldSession, language: Language) {
        self.session = session
        self.language = language
        _vm = StateObject(wrappedValue: DueThisWeekViewModel(session: session, language: language))
    }

    var body: some View {
        List {
            ErrorBanner(error: vm.error)
            if !vm.overdue.isEmpty {
                Section("due.overdue") { ForEach(vm.overdue) { row($0) } }
            }
            Section("due.thisWeek") {
                if vm.thisWeek.isEmpty && !vm.isLoading { Text("due.nothing").foregroundStyle(.secondary) }
                ForEach(vm.thisWeek) { row($0) }
            }
        }
        .navigationTitle("due.title")
        .quickHideItem()
        .task { await vm.load() }
        .refreshable { await vm.load() }
    }

    private func row(_ item: DueItem) -> some View {
        NavigationLink {
            InterventionsView(session: session, caseId: item.caseId, language: language)
        } label: {
            VStack(alignment: .leading, spacing: 4) {
                HStack {
                    Text(what(item)).font(.headline)
                    Spacer()
                    Text(item.due).font(.caption.monospaced()).foregroundStyle(item.overdue ? .red : .secondary)
                }
                Text(vm.name(item)).font(.subheadline).privacySensitive()
            }
        }
    }

    private func what(_ item: DueItem) -> String {
        switch item.reason {
        case .interventionFollowUp: return L10n.string("due.followUp")
        case let .orderCheck(_, number): return String(format: L10n.string("due.orderCheck %@"), number)
        }
    }
}
#endif
