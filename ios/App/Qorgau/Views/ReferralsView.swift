#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

/// Referrals with consent: the question is read out in the person's language and her answer
/// recorded before anything is sent; consent can be withdrawn, which closes the referral.
struct ReferralsView: View {
    @StateObject private var vm: ReferralsViewModel
    @State private var withdrawing: ReferralState?
    @State private var withdrawReason = ""

    init(session: FieldSession, caseId: Uuid, language: Language) {
        _vm = StateObject(wrappedValue: ReferralsViewModel(session: session, caseId: caseId, language: language))
    }

    var body: some View {
        Form {
            Section("referral.new") {
                Picker("referral.person", selection: $vm.personId) {
                    Text("statement.choose").tag(Uuid?.none)
                    ForEach(vm.people) { Text(personLabel($0)).tag(Uuid?.some($0.id)) }
                }
                Picker("referral.kind", selection: $vm.kind) {
                    ForEach(ReferralKind.allInOrder, id: \.self) { Text(L10n.referralKind($0)).tag($0) }
                }
                TextField("referral.organisation", text: $vm.organisation).noKeyboardLearning()
                if vm.childrenAllowed {
                    Stepper(String(format: L10n.string("referral.children %lld"), vm.childrenPlaced), value: $vm.childrenPlaced, in: 0...12)
                }
                TextField("referral.note", text: $vm.note, axis: .vertical).noKeyboardLearning().privacySensitive()
            }
            Section {
                Picker("statement.language", selection: $vm.consentLanguage) {
                    ForEach(Language.all, id: \.self) { Text($0.nativeName).tag($0) }
                }
                .pickerStyle(.segmented)
                Text(vm.consentQuestion)
                    .font(.body.weight(.medium))
                    .environment(\.locale, Locale(identifier: vm.consentLanguage.code))
                Toggle("referral.consentGiven", isOn: $vm.consentGiven)
            } header: {
                Text("referral.consent")
            } footer: {
                Text("referral.consentFooter")
            }
            Section {
                ErrorBanner(error: vm.error)
                Button("referral.make") { Task { await vm.submit() } }
                    .disabled(!vm.canSubmit)
            }
            Section("referral.onCase") {
                ForEach(vm.referrals) { r in
                    VStack(alignment: .leading, spacing: 4) {
                        HStack {
                            Text(L10n.referralKind(r.referral.kind)).font(.headline)
                            Spacer()
                            Text(L10n.referralStatus(r.status)).font(.caption).foregroundStyle(.secondary)
                        }
                        Text(r.referral.organisation).font(.subheadline)
                        if let p = vm.person(r.referral.personId) { Text(personLabel(p)).font(.caption).privacySensitive() }
                        if !r.consentActive {
                            Label("referral.consentWithdrawn", systemImage: "hand.raised.slash").font(.caption).foregroundStyle(.red)
                        }
                        let next = ReferralsViewModel.nextStatuses(r)
                        if !next.isEmpty {
                            HStack {
                                Menu("referral.setStatus") {
                                    ForEach(next, id: \.self) { s in
                                        Button(L10n.referralStatus(s)) { Task { await vm.setStatus(r.referral.id, s) } }
                                    }
                                }
                                Spacer()
                                Button("referral.withdraw", role: .destructive) { withdrawing = r }
                            }
                            .buttonStyle(.borderless)
                        }
                    }
                }
            }
        }
        .navigationTitle("referral.title")
        .quickHideItem()
        .task { await vm.load() }
        .alert("referral.withdraw", isPresented: Binding(get: { withdrawing != nil }, set: { if !$0 { withdrawing = nil } })) {
            TextField("referral.withdrawReason", text: $withdrawReason).noKeyboardLearning()
            Button("common.cancel", role: .cancel) { withdrawing = nil }
            Button("referral.withdrawConfirm", role: .destructive) {
                if let r = withdrawing {
                    Task { await vm.withdrawConsent(r.referral.id, reason: withdrawReason); withdrawReason = "" }
                }
                withdrawing = nil
            }
        } message: {
            Text("referral.withdrawMessage")
        }
    }
}
#endif
