// The SwiftUI app. Compiled only on iOS (SwiftUI, UIKit, AVFoundation, PhotosUI); the view
// models it binds to are in the Swift package's `Qorgau` target, tested on Linux.
#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

@main
struct QorgauApp: App {
    @StateObject private var model: AppModel

    init() {
        let model = AppModel()
        _model = StateObject(wrappedValue: model)
        // Before launch finishes, as BackgroundTasks requires.
        BackgroundSyncTask.register(model: model)
    }

    var body: some Scene {
        WindowGroup {
            RootView()
                .environmentObject(model)
        }
    }
}

/// The app's state: starting, first-start profile, unlocked session, or a failure to unlock.
@MainActor
final class AppModel: ObservableObject {
    enum State {
        case starting
        case needsProfile
        case ready(FieldSession)
        case failed(QorgauAppError)
    }

    @Published private(set) var state: State = .starting
    let keyStore = KeychainKeyStore()
    /// How the device key is protected (Secure Enclave, or the Keychain where there is no
    /// enclave), as the key store recorded it when the store was opened or created.
    @Published private(set) var keyProtection: DeviceKeyProtection?
    /// The store being opened (by the UI or a background task; opened once).
    private var opening: Task<FieldSession, Error>?

    /// The UI language: the app's resolved localization (kk, ru or en).
    var language: Language { Language.preferred(Bundle.main.preferredLocalizations) }

    func start() async {
        do {
            state = .ready(try await openStore())
            keyProtection = keyStore.protection
        } catch QorgauError.NotInitialised {
            state = .needsProfile
        } catch {
            state = .failed(QorgauAppError(error, language: language))
        }
    }

    /// Opens the store once, however many callers wait for it.
    private func openStore() async throws -> FieldSession {
        if let opening { return try await opening.value }
        let keyStore = self.keyStore
        let task = Task { try await FieldSession.open(directory: try AppDirectories.store, keyStore: keyStore) }
        opening = task
        defer { opening = nil }
        return try await task.value
    }

    /// The session for a background task: the open one, or the store opened now. Nil when there
    /// is none (first start) or it cannot be opened now (e.g. the phone is locked: the Keychain
    /// key is unavailable); a failure here is not shown, the screen opens the store itself later.
    func sessionForBackgroundWork() async -> FieldSession? {
        if case let .ready(session) = state { return session }
        guard case .starting = state, let session = try? await openStore() else { return nil }
        if case .starting = state { state = .ready(session); keyProtection = keyStore.protection }
        if case let .ready(current) = state { return current }
        return nil
    }

    func create(profile: DeviceProfile) async {
        do {
            let dir = try AppDirectories.store
            state = .ready(try await FieldSession.openOrInit(directory: dir, keyStore: keyStore, profile: profile))
            keyProtection = keyStore.protection
        } catch {
            state = .failed(QorgauAppError(error, language: language))
        }
    }
}

struct RootView: View {
    @EnvironmentObject private var model: AppModel

    var body: some View {
        switch model.state {
        case .starting:
            ProgressView("app.unlocking")
                .task { await model.start() }
        case .needsProfile:
            SetupView()
        case let .ready(session):
            // The PIN gate before any content, on launch and on every return (issue 11).
            GateRootView(session: session, language: model.language)
                .environment(\.deviceKeyProtection, model.keyProtection)
        case let .failed(error):
            VStack(spacing: 16) {
                Image(systemName: error.isSecurityFailure ? "lock.trianglebadge.exclamationmark" : "exclamationmark.triangle")
                    .font(.largeTitle)
                Text(error.message).multilineTextAlignment(.center)
                Button("app.retry") { Task { await model.start() } }
            }
            .padding()
        }
    }
}

/// First start on a device: the officer's profile, then the store is created with fresh keys.
struct SetupView: View {
    @EnvironmentObject private var model: AppModel
    @State private var name = ""
    @State private var badge = ""
    @State private var unit = ""
    @State private var label = UIDevice.current.name
    @State private var saving = false

    var body: some View {
        NavigationStack {
            Form {
                Section("setup.officer") {
                    TextField("setup.name", text: $name).noKeyboardLearning()
                    TextField("setup.badge", text: $badge).noKeyboardLearning().textInputAutocapitalization(.characters)
                }
                Section("setup.device") {
                    TextField("setup.unit", text: $unit).noKeyboardLearning()
                    TextField("setup.label", text: $label).noKeyboardLearning()
                }
                Section {
                    Button("setup.create") {
                        saving = true
                        let profile = DeviceProfile(label: label, unit: unit,
                                                    officer: TeamMember(role: .officer, name: name, badge: badge))
                        Task { await model.create(profile: profile); saving = false }
                    }
                    .disabled(saving || name.isEmpty || badge.isEmpty || unit.isEmpty)
                } footer: {
                    Text("setup.footer")
                }
            }
            .navigationTitle("setup.title")
            .quickHideItem()
        }
    }
}
#endif
