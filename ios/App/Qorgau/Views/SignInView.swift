#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

/// Signing in on a shared phone: a profile and its PIN. Wrong PINs count down, then the profile
/// locks for a while (the core keeps the lock across restarts). Who may see what is the core's
/// decision; this screen only says who is acting.
///
/// It is the PIN gate (`SessionGate`: shown before any content, on launch and on every return)
/// and, while signed in, the account sheet (who is acting, sign out, new profile for a supervisor).
struct SignInView: View {
    @StateObject private var vm: SignInViewModel
    @ObservedObject private var gate: SessionGate
    @State private var showingNewProfile = false
    @State private var showingHandOver = false
    @Environment(\.dismiss) private var dismiss

    init(session: FieldSession, language: Language, gate: SessionGate) {
        _vm = StateObject(wrappedValue: SignInViewModel(session: session, language: language))
        self.gate = gate
    }

    /// Shown as the account sheet over the content, not as the gate.
    private var isSheet: Bool { gate.showsContent }

    var body: some View {
        NavigationStack {
            Form {
                if let current = vm.current {
                    Section("signin.acting") {
                        LabeledContent(current.name, value: L10n.teamRole(current.role))
                        Button("signin.signOut", role: .destructive) { dismiss(); gate.signOut() }
                    }
                } else {
                    Section {
                        Text(gate.lastLock == nil ? "gate.signInFirst" : "gate.lockedAgain").font(.callout).foregroundStyle(.secondary)
                    }
                }
                Section("signin.profile") {
                    if vm.profiles.isEmpty {
                        Text("signin.noProfiles").foregroundStyle(.secondary)
                    }
                    Picker("signin.profile", selection: $vm.selectedId) {
                        ForEach(vm.profiles) { p in
                            VStack(alignment: .leading, spacing: 2) {
                                Text("\(p.name) · \(L10n.teamRole(p.role)) · \(p.badge)")
                                if SignInViewModel.waitsForClinicalKey(p) {
                                    Label("signin.waitingForKey", systemImage: "key.slash")
                                        .font(.caption).foregroundStyle(.orange)
                                }
                            }
                            .tag(Uuid?.some(p.id))
                        }
                    }
                    .pickerStyle(.inline)
                    .labelsHidden()
                }
                Section {
                    SecureField("signin.pin", text: $vm.pin).noKeyboardLearning()
                        .keyboardType(.numberPad)
                    TimelineView(.periodic(from: .now, by: 1)) { context in
                        VStack(alignment: .leading, spacing: 8) {
                            if let until = vm.lockedUntil(now: context.date) {
                                Label(String(format: L10n.string("signin.lockedUntil %@"), until.formatted(date: .omitted, time: .shortened)),
                                      systemImage: "lock.trianglebadge.exclamationmark")
                                    .foregroundStyle(.red)
                            } else if let left = vm.attemptsLeft {
                                Label(String(format: L10n.string("signin.attemptsLeft %lld"), Int(left)), systemImage: "exclamationmark.triangle")
                                    .foregroundStyle(.orange)
                            }
                            Button {
                                Task {
                                    if await vm.unlock() != nil {
                                        await gate.refresh()
                                        if isSheet { dismiss() }
                                    }
                                }
                            } label: {
                                Label("signin.unlock", systemImage: "lock.open")
                            }
                            .disabled(!vm.canUnlock(now: context.date))
                        }
                    }
                    if vm.isWorking { ProgressView() }
                } footer: {
                    Text("signin.footer")
                }
                if let error = vm.error, vm.attemptsLeft == nil {
                    ErrorBanner(error: error)
                }
                // A psychologist who holds the clinical key hands it to a colleague waiting for
                // it; the colleague types her own PIN (the core decides, and audits it).
                if vm.canHandOverClinicalKey {
                    Section {
                        ForEach(vm.waitingForClinicalKey) { p in
                            Button {
                                vm.beginHandOver(to: p.id)
                                showingHandOver = true
                            } label: {
                                Label(String(format: L10n.string("signin.handOverTo %@"), p.name), systemImage: "key.horizontal")
                            }
                        }
                    } header: {
                        Text("signin.handOver")
                    } footer: {
                        Text("signin.handOverFooter")
                    }
                }
                if let done = vm.handedOver {
                    Label(String(format: L10n.string("signin.handedOver %@"), done.name), systemImage: "checkmark.seal")
                        .foregroundStyle(.green)
                }
                // What protects the device key on this phone (account sheet only).
                if isSheet {
                    Section("keys.title") {
                        KeyProtectionRow()
                    }
                }
                // Only a signed-in supervisor adds profiles (and the very first one is set up by
                // the gate, as the supervisor's).
                if !vm.newProfileRoles.isEmpty && vm.current != nil {
                    Section {
                        Button { showingNewProfile = true } label: { Label("signin.newProfile", systemImage: "person.badge.plus") }
                    }
                }
            }
            .navigationTitle("signin.title")
            .quickHideItem()
            .toolbar {
                if isSheet {
                    ToolbarItem(placement: .cancellationAction) { Button("common.close") { dismiss() } }
                }
            }
            .task { await vm.load() }
            .sheet(isPresented: $showingNewProfile) {
                NewProfileView(vm: vm) { showingNewProfile = false }
            }
            .sheet(isPresented: $showingHandOver, onDismiss: { vm.cancelHandOver() }) {
                HandOverKeyView(vm: vm) { showingHandOver = false }
            }
        }
    }
}

/// Handing over the clinical key: the signed-in psychologist gives the phone to the colleague
/// waiting for it, who types her own PIN.
struct HandOverKeyView: View {
    @ObservedObject var vm: SignInViewModel
    let done: () -> Void

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    if let target = vm.handOverTarget {
                        LabeledContent(target.name, value: "\(L10n.teamRole(target.role)) · \(target.badge)")
                    }
                    Text("signin.handOverExplain").font(.callout).foregroundStyle(.secondary)
                }
                Section {
                    SecureField("signin.handOverPin", text: $vm.handOverPin)
                        .noKeyboardLearning()
                        .keyboardType(.numberPad)
                    if let left = vm.handOverAttemptsLeft {
                        Label(String(format: L10n.string("signin.attemptsLeft %lld"), Int(left)), systemImage: "exclamationmark.triangle")
                            .foregroundStyle(.orange)
                    }
                    if vm.isWorking { ProgressView() }
                }
                ErrorBanner(error: vm.handOverAttemptsLeft == nil ? vm.error : nil)
            }
            .navigationTitle("signin.handOver")
            .quickHideItem()
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("common.cancel") { done() } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("signin.handOverConfirm") {
                        Task {
                            if await vm.handOverClinicalKey() != nil { done() }
                        }
                    }
                    .disabled(!vm.canHandOver)
                }
            }
        }
    }
}

/// A new profile with its PIN (typed twice).
struct NewProfileView: View {
    @ObservedObject var vm: SignInViewModel
    let done: () -> Void
    @State private var role: TeamRole = .officer
    private var roles: [TeamRole] { vm.newProfileRoles }
    @State private var name = ""
    @State private var badge = ""
    @State private var pin = ""
    @State private var pinAgain = ""

    var body: some View {
        NavigationStack {
            Form {
                Picker("signin.role", selection: $role) {
                    ForEach(roles, id: \.self) { Text(L10n.teamRole($0)).tag($0) }
                }
                TextField("setup.name", text: $name).noKeyboardLearning()
                TextField("setup.badge", text: $badge).noKeyboardLearning().textInputAutocapitalization(.characters)
                SecureField("signin.newPin", text: $pin).noKeyboardLearning().keyboardType(.numberPad)
                SecureField("signin.newPinAgain", text: $pinAgain).noKeyboardLearning().keyboardType(.numberPad)
                if !pinAgain.isEmpty && pin != pinAgain {
                    Text("signin.pinMismatch").font(.caption).foregroundStyle(.red)
                }
                if role == .psychologist {
                    Text("signin.psychologistNote").font(.caption).foregroundStyle(.secondary)
                }
                ErrorBanner(error: vm.error)
            }
            // The roles offered may exclude the default (a phone without a supervisor offers
            // only the supervisor's profile).
            .onAppear { if !roles.contains(role), let first = roles.first { role = first } }
            .navigationTitle("signin.newProfile")
            .quickHideItem()
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("common.cancel") { done() } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("signin.create") {
                        Task {
                            if await vm.createProfile(role: role, name: name, badge: badge, pin: pin) != nil { done() }
                        }
                    }
                    .disabled(name.isEmpty || badge.isEmpty || pin.count < 6 || pin != pinAgain || vm.isWorking)
                }
            }
        }
    }
}
#endif
