#if canImport(SwiftUI) && canImport(UIKit)
import AVFoundation
import SwiftUI
import Qorgau
import QorgauFFI

/// Scans a protection order's QR code with the camera (AVFoundation metadata output) and
/// verifies it offline with the core: signed by a known device, not altered, not expired.
struct QrScanView: View {
    @StateObject private var vm: OrderQrViewModel
    @State private var pasted = ""
    @State private var cameraAllowed = AVCaptureDevice.authorizationStatus(for: .video) == .authorized

    init(session: FieldSession, language: Language) {
        _vm = StateObject(wrappedValue: OrderQrViewModel(session: session, language: language))
    }

    var body: some View {
        Form {
            Section {
                if cameraAllowed {
                    QrScanner { code in Task { await vm.scanned(code) } }
                        .frame(height: 280)
                        .clipShape(RoundedRectangle(cornerRadius: 12))
                        .listRowInsets(EdgeInsets())
                } else {
                    Text("qr.noCamera").foregroundStyle(.secondary)
                }
            } footer: {
                Text("qr.footer")
            }
            result
            Section("qr.manual") {
                TextField("qr.paste", text: $pasted, axis: .vertical).noKeyboardLearning()
                    .font(.caption.monospaced())
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                Button("qr.verify") { Task { await vm.verify(pasted) } }
                    .disabled(pasted.isEmpty)
            }
        }
        .navigationTitle("qr.title")
        .quickHideItem()
        .task {
            if !cameraAllowed { cameraAllowed = await AVCaptureDevice.requestAccess(for: .video) }
        }
    }

    @ViewBuilder private var result: some View {
        switch vm.result {
        case .idle:
            EmptyView()
        case .working:
            Section { ProgressView() }
        case let .failed(error):
            Section {
                Label(error.message, systemImage: "xmark.seal.fill").foregroundStyle(.red)
                Button("qr.again") { vm.reset() }
            }
        case let .done(order):
            Section {
                Label("qr.valid", systemImage: "checkmark.seal.fill").foregroundStyle(.green).font(.headline)
                // The core's typed answer (VerifiedOrderCode); times in the UI language.
                LabeledContent("order.number", value: order.code.number)
                LabeledContent("order.from", value: order.validFromText)
                LabeledContent("order.end", value: order.validUntilText)
                LabeledContent("qr.issued", value: order.issuedAtText)
                LabeledContent("qr.restricted", value: order.code.restricted).privacySensitive()
                LabeledContent("qr.protected", value: order.code.protected.joined(separator: ", ")).privacySensitive()
                ForEach(order.prohibitions, id: \.self) { Label($0, systemImage: "nosign").font(.callout) }
                Button("qr.again") { vm.reset() }
            } footer: {
                Text(String(format: L10n.string("qr.device %@"), order.code.deviceId)).font(.caption2.monospaced())
            }
        }
    }
}

/// The camera preview with a QR metadata output. Reports each decoded string on the main actor.
struct QrScanner: UIViewControllerRepresentable {
    let onCode: @MainActor (String) -> Void

    func makeUIViewController(context: Context) -> QrScannerController {
        let c = QrScannerController()
        c.onCode = onCode
        return c
    }

    func updateUIViewController(_ controller: QrScannerController, context: Context) {
        controller.onCode = onCode
    }

    static func dismantleUIViewController(_ controller: QrScannerController, coordinator: ()) {
        controller.stop()
    }
}

/// Holds the capture session; AVCaptureSession is thread-safe for start/stop, which run on a
/// private queue (startRunning blocks).
final class QrCaptureBox: @unchecked Sendable {
    let session = AVCaptureSession()
    private let queue = DispatchQueue(label: "kz.qorgau.qr-camera")

    func start() { queue.async { [session] in if !session.isRunning { session.startRunning() } } }
    func stop() { queue.async { [session] in if session.isRunning { session.stopRunning() } } }
}

final class QrScannerController: UIViewController, AVCaptureMetadataOutputObjectsDelegate {
    var onCode: (@MainActor (String) -> Void)?
    private let box = QrCaptureBox()
    private var preview: AVCaptureVideoPreviewLayer?

    override func viewDidLoad() {
        super.viewDidLoad()
        view.backgroundColor = .black
        let session = box.session
        guard let device = AVCaptureDevice.default(for: .video),
              let input = try? AVCaptureDeviceInput(device: device),
              session.canAddInput(input) else { return }
        session.addInput(input)
        let output = AVCaptureMetadataOutput()
        guard session.canAddOutput(output) else { return }
        session.addOutput(output)
        output.setMetadataObjectsDelegate(self, queue: .main)
        output.metadataObjectTypes = [.qr]
        let layer = AVCaptureVideoPreviewLayer(session: session)
        layer.videoGravity = .resizeAspectFill
        view.layer.addSublayer(layer)
        preview = layer
    }

    override func viewDidLayoutSubviews() {
        super.viewDidLayoutSubviews()
        preview?.frame = view.bounds
    }

    override func viewWillAppear(_ animated: Bool) {
        super.viewWillAppear(animated)
        box.start()
    }

    override func viewWillDisappear(_ animated: Bool) {
        super.viewWillDisappear(animated)
        stop()
    }

    func stop() { box.stop() }

    nonisolated func metadataOutput(_ output: AVCaptureMetadataOutput, didOutput metadataObjects: [AVMetadataObject],
                                    from connection: AVCaptureConnection) {
        let codes = metadataObjects.compactMap { ($0 as? AVMetadataMachineReadableCodeObject)?.stringValue }
        guard let code = codes.first else { return }
        // The delegate queue is the main queue.
        MainActor.assumeIsolated { self.onCode?(code) }
    }
}
#endif
