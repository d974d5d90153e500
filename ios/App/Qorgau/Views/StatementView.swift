#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

/// A statement in Kazakh, Russian or English, the person's signature, or a recorded refusal.
/// The consent questions appear in the statement language, to be read out to the person.
struct StatementView: View {
    @StateObject private var vm: StatementViewModel
    @State private var refusalReason = ""
    @State private var showingSignature = false

    init(session: FieldSession, caseId: Uuid, language: Language) {
        _vm = StateObject(wrappedValue: StatementViewModel(session: session, caseId: caseId, language: language))
    }

    var body: some View {
        Form {
            Section("statement.who") {
                Picker("statement.person", selection: $vm.personId) {
                    Text("statement.choose").tag(Uuid?.none)
                    ForEach(vm.people) { p in
                        Text("\(p.fullName) · \(L10n.role(p.role))").tag(Uuid?.some(p.id))
                    }
                }
                Picker("statement.language", selection: $vm.statementLanguage) {
                    ForEach(Language.all, id: \.self) { Text($0.nativeName).tag($0) }
                }
                .pickerStyle(.segmented)
            }
            Section(LocalizedStringKey(vm.correcting == nil ? "statement.text" : "statement.correction")) {
                TextEditor(text: $vm.text).noKeyboardLearning()
                    .frame(minHeight: 180)
                    .environment(\.locale, Locale(identifier: vm.statementLanguage.code))
                    .privacySensitive()
            }
            Section("statement.consent") {
                Toggle(vm.consentQuestions.crisisCentre, isOn: $vm.shareWithCrisisCentre)
                Toggle(vm.consentQuestions.court, isOn: $vm.shareWithCourt)
            }
            Section {
                Button { showingSignature = true } label: {
                    Label(LocalizedStringKey(vm.signaturePng == nil ? "statement.sign" : "statement.signed"), systemImage: "signature")
                }
                TextField("statement.takenBy", text: $vm.takenBy).noKeyboardLearning()
                ErrorBanner(error: vm.error)
                Button("statement.record") { Task { await vm.submit() } }
                    .disabled(!vm.canSubmit)
            }
            Section("statement.refusal") {
                TextField("statement.refusalReason", text: $refusalReason).noKeyboardLearning()
                Button("statement.recordRefusal", role: .destructive) {
                    Task { if await vm.recordRefusal(reason: refusalReason) != nil { refusalReason = "" } }
                }
                .disabled(vm.personId == nil || refusalReason.isEmpty)
            }
            Section("statement.recorded") {
                ForEach(vm.currentStatements) { s in
                    VStack(alignment: .leading, spacing: 4) {
                        Text(s.kind == .refused ? L10n.string("statement.kindRefused") : String(s.text.prefix(120)))
                            .privacySensitive()
                        Text("\(s.language.nativeName) · v\(s.version) · \(s.takenAt.utc.formatted(date: .abbreviated, time: .shortened))")
                            .font(.caption).foregroundStyle(.secondary)
                    }
                    .swipeActions {
                        if s.kind == .given {
                            Button("statement.correct") { vm.beginCorrection(of: s) }
                        }
                    }
                }
            }
        }
        .navigationTitle("statement.title")
        .quickHideItem()
        .task { await vm.load() }
        .sheet(isPresented: $showingSignature) {
            SignaturePad { png in
                vm.signaturePng = png
                showingSignature = false
            }
        }
    }
}

#endif
