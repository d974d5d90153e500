#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

/// Quick-hide, offered in every top bar while content is shown (nil: not offered).
private struct QuickHideKey: EnvironmentKey {
    static let defaultValue: (@MainActor () -> Void)? = nil
}

extension EnvironmentValues {
    var quickHide: (@MainActor () -> Void)? {
        get { self[QuickHideKey.self] }
        set { self[QuickHideKey.self] = newValue }
    }
}

/// How this phone protects the device key (from `AppModel`; nil until the store is open).
private struct DeviceKeyProtectionKey: EnvironmentKey {
    static let defaultValue: DeviceKeyProtection? = nil
}

extension EnvironmentValues {
    var deviceKeyProtection: DeviceKeyProtection? {
        get { self[DeviceKeyProtectionKey.self] }
        set { self[DeviceKeyProtectionKey.self] = newValue }
    }
}

/// "Device key: protected by the Secure Enclave" / "kept in the Keychain (no Secure Enclave)".
struct KeyProtectionRow: View {
    @Environment(\.deviceKeyProtection) private var protection

    var body: some View {
        switch protection {
        case .secureEnclave?:
            Label("keys.secureEnclave", systemImage: "lock.shield.fill")
        case .keychain?:
            Label("keys.keychain", systemImage: "key.fill")
        case nil:
            Label("keys.unknown", systemImage: "questionmark.circle")
        }
    }
}

private struct QuickHideItem: ViewModifier {
    @Environment(\.quickHide) private var quickHide

    func body(content: Content) -> some View {
        content.toolbar {
            if let quickHide {
                ToolbarItem(placement: .navigationBarTrailing) {
                    Button { quickHide() } label: { Label("gate.quickHide", systemImage: "eye.slash.fill") }
                        .accessibilityLabel(Text("gate.quickHide"))
                }
            }
        }
    }
}

extension View {
    /// The quick-hide button in this screen's top bar (one tap: lock, clear, neutral screen).
    func quickHideItem() -> some View { modifier(QuickHideItem()) }

    /// A field with personal data: the keyboard neither corrects nor learns it, no AutoFill.
    func noKeyboardLearning() -> some View {
        self.autocorrectionDisabled(true).textContentType(nil)
    }
}

/// The app once the store is open: the PIN gate, set-up, the neutral screen, or the content.
/// Every decision is `SessionGate`'s (tested on Linux); this view only shows it.
struct GateRootView: View {
    @StateObject private var gate: SessionGate
    @Environment(\.scenePhase) private var scenePhase
    @State private var shield = PrivacyShield()
    let session: FieldSession
    let language: Language

    init(session: FieldSession, language: Language) {
        self.session = session
        self.language = language
        let dirs = [try? AppDirectories.exports, try? AppDirectories.documents].compactMap { $0 }
        _gate = StateObject(wrappedValue: SessionGate(session: session, language: language, transientFiles: TransientFiles(directories: dirs)))
    }

    var body: some View {
        Group {
            switch gate.screen {
            case .content:
                CaseListView(session: session, language: language)
                    .environment(\.quickHide, { gate.quickHide() })
            case .signIn:
                SignInView(session: session, language: language, gate: gate)
            case .setUp:
                SupervisorSetUpView(gate: gate)
            case .neutral:
                NeutralView { gate.leaveNeutral() }
            }
        }
        // A lock rebuilds everything below: navigation, sheets and their view models.
        .id(gate.generation)
        .environmentObject(gate)
        .redacted(reason: gate.redactsPrivateData ? .privacy : [])
        .autocorrectionDisabled(true)
        .background(WindowHooks(onTouch: { gate.userActivity() }, onScene: { scene in
            shield.onCaptureChange = { gate.screenCaptureChanged($0) }
            shield.install(on: scene)
        }))
        .task {
            // UIKit's print panel is not part of the SwiftUI tree that a lock rebuilds.
            gate.onLock = { _ in UIPrintInteractionController.shared.dismiss(animated: false) }
            await gate.start()
            gate.startIdleWatch()
        }
        .onChange(of: scenePhase) { phase in
            switch phase {
            case .background:
                gate.phaseChanged(.background)
                BackgroundSyncTask.schedule() // send what waits when there is a network
            case .inactive: gate.phaseChanged(.inactive)
            case .active: gate.phaseChanged(.active)
            @unknown default: gate.phaseChanged(.inactive)
            }
        }
    }
}

/// After quick-hide: nothing of a case, nothing that says what the app is for.
struct NeutralView: View {
    let done: () -> Void

    var body: some View {
        VStack(spacing: 16) {
            Image(systemName: "square.grid.2x2").font(.system(size: 48)).foregroundStyle(.secondary)
            Text("gate.neutral").font(.headline).foregroundStyle(.secondary)
        }
        .frame(maxWidth: .infinity, maxHeight: .infinity)
        .contentShape(Rectangle())
        .onTapGesture(count: 2) { done() }
    }
}

/// A phone with no profiles: the supervisor's profile first (then only the signed-in
/// supervisor adds profiles).
struct SupervisorSetUpView: View {
    @ObservedObject var gate: SessionGate
    @State private var name = ""
    @State private var badge = ""
    @State private var pin = ""
    @State private var pinAgain = ""

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    TextField("setup.name", text: $name).noKeyboardLearning()
                    TextField("setup.badge", text: $badge).noKeyboardLearning().textInputAutocapitalization(.characters)
                    SecureField("signin.newPin", text: $pin).noKeyboardLearning().keyboardType(.numberPad)
                    SecureField("signin.newPinAgain", text: $pinAgain).noKeyboardLearning().keyboardType(.numberPad)
                    if !pinAgain.isEmpty && pin != pinAgain {
                        Text("signin.pinMismatch").font(.caption).foregroundStyle(.red)
                    }
                } footer: {
                    Text("gate.setUpFooter")
                }
                Section("keys.title") {
                    KeyProtectionRow()
                }
                ErrorBanner(error: gate.error)
                Button("gate.createSupervisor") {
                    Task {
                        if await gate.createFirstSupervisor(name: name, badge: badge, pin: pin) != nil { pin = ""; pinAgain = "" }
                    }
                }
                .disabled(name.isEmpty || badge.isEmpty || pin.count < 6 || pin != pinAgain || gate.isWorking)
            }
            .navigationTitle("gate.setUpTitle")
        }
    }
}
#endif
