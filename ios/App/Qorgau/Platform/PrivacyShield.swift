#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import UIKit

/// The privacy cover in its own top-level window (above the app's window and every sheet,
/// alert and share sheet it presents): shown as soon as the scene stops being active (so the app
/// switcher's snapshot shows only the cover) and while the screen is recorded, mirrored or
/// captured; hidden when the scene is active again and nothing captures it.
@MainActor
final class PrivacyShield {
    private var window: UIWindow?
    private var observers: [NSObjectProtocol] = []
    private weak var scene: UIWindowScene?
    /// Told whenever screen capture starts or stops (the gate redacts private views meanwhile).
    var onCaptureChange: ((Bool) -> Void)?

    func install(on scene: UIWindowScene) {
        guard self.scene !== scene else { return }
        self.scene = scene
        let w = UIWindow(windowScene: scene)
        w.windowLevel = UIWindow.Level(rawValue: UIWindow.Level.alert.rawValue + 10)
        w.rootViewController = UIHostingController(rootView: PrivacyCover())
        w.isHidden = true
        window = w
        let nc = NotificationCenter.default
        observers.forEach(nc.removeObserver)
        observers = [
            nc.addObserver(forName: UIScene.willDeactivateNotification, object: scene, queue: .main) { [weak self] _ in
                MainActor.assumeIsolated { self?.show() }
            },
            nc.addObserver(forName: UIScene.didEnterBackgroundNotification, object: scene, queue: .main) { [weak self] _ in
                MainActor.assumeIsolated { self?.show() }
            },
            nc.addObserver(forName: UIScene.didActivateNotification, object: scene, queue: .main) { [weak self] _ in
                MainActor.assumeIsolated { self?.update() }
            },
            nc.addObserver(forName: UIScreen.capturedDidChangeNotification, object: nil, queue: .main) { [weak self] _ in
                MainActor.assumeIsolated { self?.update() }
            },
        ]
        update()
    }

    private var isCaptured: Bool { scene?.screen.isCaptured ?? false }

    private func show() {
        window?.isHidden = false
    }

    private func update() {
        let captured = isCaptured
        onCaptureChange?(captured)
        let active = scene?.activationState == .foregroundActive
        window?.isHidden = active && !captured
    }
}

struct PrivacyCover: View {
    var body: some View {
        ZStack {
            Rectangle().fill(.background)
            Image(systemName: "shield.lefthalf.filled").font(.system(size: 64)).foregroundStyle(.secondary)
        }
        .ignoresSafeArea()
    }
}

/// Reports every touch in the app's window (never delays or cancels it), for the idle limit, and
/// hands the window's scene to the privacy shield.
struct WindowHooks: UIViewRepresentable {
    let onTouch: @MainActor () -> Void
    let onScene: @MainActor (UIWindowScene) -> Void

    func makeUIView(context: Context) -> HookView {
        let v = HookView()
        v.onTouch = onTouch
        v.onScene = onScene
        v.isUserInteractionEnabled = false
        return v
    }

    func updateUIView(_ uiView: HookView, context: Context) {
        uiView.onTouch = onTouch
        uiView.onScene = onScene
    }

    final class HookView: UIView {
        var onTouch: (@MainActor () -> Void)?
        var onScene: (@MainActor (UIWindowScene) -> Void)?
        private var recognizer: TouchRecognizer?

        override func didMoveToWindow() {
            super.didMoveToWindow()
            guard let window, recognizer == nil else { return }
            let r = TouchRecognizer { [weak self] in self?.onTouch?() }
            window.addGestureRecognizer(r)
            recognizer = r
            if let scene = window.windowScene { onScene?(scene) }
        }
    }

    /// Sees touches begin and fails at once: other gestures and controls are unaffected.
    final class TouchRecognizer: UIGestureRecognizer, UIGestureRecognizerDelegate {
        private let touched: () -> Void
        init(_ touched: @escaping () -> Void) {
            self.touched = touched
            super.init(target: nil, action: nil)
            cancelsTouchesInView = false
            delaysTouchesBegan = false
            delaysTouchesEnded = false
            delegate = self
        }
        override func touchesBegan(_ touches: Set<UITouch>, with event: UIEvent) {
            touched()
            state = .failed
        }
        func gestureRecognizer(_ g: UIGestureRecognizer, shouldRecognizeSimultaneouslyWith other: UIGestureRecognizer) -> Bool { true }
    }
}
#endif
