#if canImport(SwiftUI) && canImport(UIKit)
import Charts
import SwiftUI
import Qorgau
import QorgauFFI

/// The risk assessments of a case as every role sees them (level, score, recommendations), the
/// answers and clinical notes for a signed-in psychologist (anyone else is refused by the core,
/// and the refusal is logged), and the survivor's trend.
struct AssessmentSummaryView: View {
    let session: FieldSession
    let caseId: Uuid
    let language: Language
    @StateObject private var vm: AssessmentSummaryViewModel
    @State private var showingForm = false
    @State private var openedId: Uuid?

    init(session: FieldSession, caseId: Uuid, language: Language) {
        self.session = session
        self.caseId = caseId
        self.language = language
        _vm = StateObject(wrappedValue: AssessmentSummaryViewModel(session: session, caseId: caseId, language: language))
    }

    var body: some View {
        List {
            ErrorBanner(error: vm.error)
            if vm.assessments.isEmpty {
                Text("risk.none").foregroundStyle(.secondary)
            }
            ForEach(vm.assessments.reversed()) { a in
                Section {
                    HStack {
                        Text(vm.levelLabel(a.level, instrumentId: a.instrumentId)).font(.title3.weight(.bold))
                        Spacer()
                        Text(String(format: L10n.string("risk.score %lld"), Int(a.score))).font(.subheadline)
                    }
                    if a.overridden {
                        Text(String(format: L10n.string("risk.overridden %@"), vm.levelLabel(a.computedLevel, instrumentId: a.instrumentId)))
                            .font(.caption).foregroundStyle(.orange)
                    }
                    Text(vm.instrumentTitle(a)).font(.caption).foregroundStyle(.secondary)
                    RecommendationLines(recommendations: a.recommendations)
                    Text("\(a.assessedAt.utc.formatted(date: .abbreviated, time: .shortened)) · \(a.assessedBy)")
                        .font(.caption2).foregroundStyle(.secondary)
                    Button {
                        openedId = a.id
                        Task { await vm.openDetail(a.id) }
                    } label: { Label("risk.openDetail", systemImage: "lock.doc") }
                    if openedId == a.id { detail(for: a.id) }
                }
            }
            if vm.trend.count > 1 {
                Section("trend.title") {
                    Chart(vm.trend) { p in
                        LineMark(x: .value("trend.date", p.assessedAt.utc), y: .value("trend.level", Int(p.levelRank)))
                        PointMark(x: .value("trend.date", p.assessedAt.utc), y: .value("trend.level", Int(p.levelRank)))
                            .annotation(position: .top) { Text(vm.levelLabel(p.level, instrumentId: p.instrumentId)).font(.caption2) }
                    }
                    .chartYAxis(.hidden)
                    .frame(height: 160)
                    if let d = vm.trendDirection {
                        Text(LocalizedStringKey(d == .rising ? "trend.rising" : d == .falling ? "trend.falling" : "trend.steady"))
                            .font(.callout)
                    }
                }
            }
        }
        .navigationTitle("risk.title")
        .quickHideItem()
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                Button { showingForm = true } label: { Label("risk.new", systemImage: "plus") }
            }
        }
        .task { await reload() }
        .refreshable { await reload() }
        .sheet(isPresented: $showingForm) {
            NavigationStack {
                AssessmentFormView(session: session, caseId: caseId, language: language) {
                    showingForm = false
                    Task { await reload() }
                }
            }
        }
    }

    private func reload() async {
        await vm.load()
        if let survivor = vm.latest?.survivorId { await vm.loadTrend(survivorId: survivor) }
    }

    @ViewBuilder private func detail(for id: Uuid) -> some View {
        switch vm.detail {
        case .notRequested:
            EmptyView()
        case .loading:
            ProgressView()
        case let .psychologistsOnly(error):
            Label(error.message, systemImage: "lock.fill").foregroundStyle(.secondary).font(.callout)
        case let .failed(error):
            ErrorBanner(error: error)
        case let .loaded(d) where d.summary.id == id:
            VStack(alignment: .leading, spacing: 6) {
                Text("risk.notes").font(.headline)
                Text(d.clinical.notes).privacySensitive()
                if let reason = d.clinical.overrideReason {
                    Text(String(format: L10n.string("risk.overrideReason %@"), reason)).font(.callout).privacySensitive()
                }
                ForEach(d.clinical.calendar, id: \.self) { e in
                    Text(String(format: L10n.string("risk.incident %@ %lld"), e.date, Int(e.severity))).font(.caption)
                }
                ForEach(Array(vm.answeredItems(d).enumerated()), id: \.offset) { _, row in
                    HStack(alignment: .top) {
                        Text(row.item).font(.caption)
                        Spacer()
                        Text(row.answer.map(L10n.answer) ?? "—").font(.caption.weight(.semibold))
                    }
                }
                Button("risk.closeDetail") { vm.closeDetail(); openedId = nil }
            }
            .privacySensitive()
        case .loaded:
            EmptyView()
        }
    }
}

struct RecommendationLines: View {
    let recommendations: Recommendations

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            if recommendations.protectionOrder { Label("risk.recProtectionOrder", systemImage: "doc.text") }
            if recommendations.shelter { Label("risk.recShelter", systemImage: "house") }
            if recommendations.arrestRequest { Label("risk.recArrest", systemImage: "exclamationmark.shield") }
            if let f = recommendations.followUp {
                Label(String(format: L10n.string("risk.recFollowUp %@"), f), systemImage: "calendar")
            }
        }
        .font(.callout)
    }
}

/// The assessment form: items in the UI language, yes / no / don't know as the instrument offers,
/// the incident calendar for weighted instruments, an override that can only raise the level
/// (with a reason), recommendations and clinical notes. The core refuses anyone but a signed-in
/// psychologist; the form then says so and keeps what was entered.
struct AssessmentFormView: View {
    @StateObject private var vm: AssessmentFormViewModel
    let done: () -> Void
    @State private var incidentDate = Date()
    @State private var severity = 1
    @State private var hasFollowUp = false
    @State private var followUp = Date().addingTimeInterval(7 * 86_400)

    init(session: FieldSession, caseId: Uuid, language: Language, done: @escaping () -> Void) {
        _vm = StateObject(wrappedValue: AssessmentFormViewModel(session: session, caseId: caseId, language: language))
        self.done = done
    }

    var body: some View {
        Form {
            if vm.access == .psychologistsOnly {
                Section {
                    Label("risk.psychologistsOnly", systemImage: "lock.fill").foregroundStyle(.red)
                }
            } else if vm.actingProfile?.role != .psychologist {
                Section { Text("risk.signInHint").font(.callout).foregroundStyle(.secondary) }
            }
            Section {
                Picker("risk.instrument", selection: $vm.instrumentKey) {
                    ForEach(vm.instruments, id: \.self) { i in
                        Text(vm.title(i)).tag(String?.some(AssessmentFormViewModel.key(i)))
                    }
                }
                Picker("risk.survivor", selection: $vm.survivorId) {
                    ForEach(vm.survivors) { Text(personLabel($0)).tag(Uuid?.some($0.id)) }
                }
            } footer: {
                if let i = vm.instrument {
                    Text(i.validated ? i.source : L10n.string("risk.notValidated") + " " + i.source).font(.caption2)
                }
            }
            if let inst = vm.instrument {
                Section(String(format: L10n.string("risk.questions %lld"), vm.unanswered.count)) {
                    ForEach(inst.items, id: \.id) { item in
                        VStack(alignment: .leading, spacing: 6) {
                            Text(vm.text(item))
                            Picker(vm.text(item), selection: Binding(get: { vm.answers[item.id] }, set: { vm.setAnswer($0, for: item.id) })) {
                                ForEach(vm.answerOptions, id: \.self) { Text(L10n.answer($0)).tag(Answer?.some($0)) }
                            }
                            .pickerStyle(.segmented)
                            .labelsHidden()
                        }
                    }
                }
                if vm.hasCalendar {
                    Section("risk.calendar") {
                        ForEach(Array(vm.calendar.enumerated()), id: \.offset) { index, e in
                            Text(String(format: L10n.string("risk.incident %@ %lld"), e.date, Int(e.severity)))
                                .swipeActions { Button("risk.remove", role: .destructive) { vm.removeIncident(at: index) } }
                        }
                        DatePicker("risk.incidentDate", selection: $incidentDate, in: ...Date(), displayedComponents: .date)
                        Stepper(String(format: L10n.string("risk.severity %lld"), severity), value: $severity, in: 1...max(1, Int(vm.maxSeverity)))
                        Button("risk.addIncident") { vm.addIncident(on: dayComponents(incidentDate), severity: UInt8(severity)) }
                    }
                }
                Section("risk.result") {
                    // The core's preview of the form as it stands (level, score, questions left),
                    // refreshed by the view model as answers change.
                    if let line = vm.previewLine {
                        LabeledContent("risk.preview", value: line)
                    } else {
                        ProgressView()
                    }
                    if !vm.overrideChoices.isEmpty {
                        Picker("risk.override", selection: $vm.overrideLevel) {
                            Text("risk.noOverride").tag(String?.none)
                            ForEach(vm.overrideChoices, id: \.level) { Text(vm.label($0)).tag(String?.some($0.level)) }
                        }
                        if vm.overrideLevel != nil {
                            TextField("risk.overrideReasonField", text: $vm.overrideReason, axis: .vertical).noKeyboardLearning().privacySensitive()
                        }
                    }
                }
            }
            Section("risk.recommendations") {
                Toggle("risk.recProtectionOrder", isOn: $vm.recommendProtectionOrder)
                Toggle("risk.recShelter", isOn: $vm.recommendShelter)
                Toggle("risk.recArrest", isOn: $vm.recommendArrest)
                Toggle("risk.hasFollowUp", isOn: $hasFollowUp)
                if hasFollowUp {
                    DatePicker("risk.followUp", selection: $followUp, in: Date()..., displayedComponents: .date)
                }
            }
            .onChange(of: hasFollowUp) { on in vm.followUp = on ? dayComponents(followUp) : nil }
            .onChange(of: followUp) { d in if hasFollowUp { vm.followUp = dayComponents(d) } }
            Section {
                TextEditor(text: $vm.notes).noKeyboardLearning().frame(minHeight: 120).privacySensitive()
            } header: {
                Text("risk.notes")
            } footer: {
                Text("risk.notesFooter")
            }
            Section {
                ErrorBanner(error: vm.error)
                Button("risk.record") { Task { if await vm.submit() != nil { done() } } }
                    .disabled(!vm.canSubmit)
            }
        }
        .navigationTitle("risk.new")
        .quickHideItem()
        .toolbar {
            ToolbarItem(placement: .cancellationAction) { Button("common.cancel") { done() } }
        }
        .task { await vm.load() }
    }
}
#endif
