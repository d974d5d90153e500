#if canImport(SwiftUI) && canImport(UIKit)
import AVFoundation
import PhotosUI
import SwiftUI
import UniformTypeIdentifiers
import Qorgau
import QorgauFFI

/// Photo, video and audio capture. Whatever the platform captured is handed to the core at once
/// (hashed, encrypted, signed). The view model deletes the temporary file once the store holds
/// it, and keeps it (under "Not saved yet") when the save fails or is stopped, until the officer
/// saves it again or discards it. A damaged or cut-short photo is kept only if the officer says so.
struct CaptureView: View {
    @StateObject private var vm: CaptureViewModel
    @StateObject private var location = LocationFix()
    @State private var picked: PhotosPickerItem?
    @State private var showingCamera = false
    @State private var showingRecorder = false
    @State private var toDiscard: PendingCapture?

    init(session: FieldSession, caseId: Uuid, language: Language) {
        _vm = StateObject(wrappedValue: CaptureViewModel(session: session, caseId: caseId, language: language,
                                                         captureDirectory: try? AppDirectories.capture(for: caseId)))
    }

    var body: some View {
        Form {
            Section {
                TextField("capture.note", text: $vm.note, axis: .vertical).noKeyboardLearning().privacySensitive()
                Button { showingCamera = true } label: { Label("capture.camera", systemImage: "camera") }
                    .disabled(vm.isCapturing || !UIImagePickerController.isSourceTypeAvailable(.camera))
                PhotosPicker(selection: $picked, matching: .any(of: [.images, .videos]),
                             preferredItemEncoding: .current) {
                    Label("capture.library", systemImage: "photo.on.rectangle")
                }
                .disabled(vm.isCapturing)
                Button { showingRecorder = true } label: { Label("capture.audio", systemImage: "mic") }
                    .disabled(vm.isCapturing)
            }
            if vm.isCapturing {
                Section {
                    ProgressView(value: vm.progress) {
                        Text("capture.saving")
                    } currentValueLabel: {
                        Text(ByteCountFormatter.string(fromByteCount: Int64(vm.bytesDone), countStyle: .file))
                    }
                    Button("common.cancel", role: .destructive) { vm.cancel() }
                }
            }
            if vm.wasCancelled {
                Text("capture.cancelled").foregroundStyle(.secondary)
            }
            ErrorBanner(error: vm.error)
            if !vm.pending.isEmpty {
                Section("capture.unsaved") {
                    ForEach(vm.pending) { p in
                        PendingRow(pending: p, busy: vm.isCapturing,
                                   retry: { Task { await vm.retry(p.id) } },
                                   keep: { Task { await vm.keepAsDamaged(p.id) } },
                                   discard: { toDiscard = p })
                    }
                }
            }
            Section("capture.onCase") {
                ForEach(vm.evidence) { e in EvidenceRow(evidence: e, vm: vm) }
            }
        }
        .navigationTitle("capture.title")
        .quickHideItem()
        .task { await vm.load() }
        .confirmationDialog("capture.damagedQuestion",
                            isPresented: Binding(get: { vm.damagedQuestion != nil }, set: { if !$0 { vm.dismissDamagedQuestion() } }),
                            titleVisibility: .visible, presenting: vm.damagedQuestion) { question in
            // By id: the dialog may clear `damagedQuestion` before the task runs.
            Button("capture.keepDamaged") { Task { await vm.keepAsDamaged(question.id) } }
            Button("capture.discard", role: .destructive) { vm.discard(question.id) }
            Button("common.cancel", role: .cancel) { vm.dismissDamagedQuestion() }
        } message: { _ in
            Text("capture.damagedHint")
        }
        .confirmationDialog("capture.discardQuestion",
                            isPresented: Binding(get: { toDiscard != nil }, set: { if !$0 { toDiscard = nil } }),
                            titleVisibility: .visible, presenting: toDiscard) { p in
            Button("capture.discard", role: .destructive) { vm.discard(p.id) }
            Button("common.cancel", role: .cancel) {}
        }
        .onChange(of: picked) { item in
            guard let item else { return }
            picked = nil
            Task { await ingest(item) }
        }
        .sheet(isPresented: $showingCamera) {
            CameraPicker { result in
                showingCamera = false
                Task { await ingest(result) }
            }
            .ignoresSafeArea()
        }
        .sheet(isPresented: $showingRecorder) {
            AudioRecorderView { url in
                showingRecorder = false
                if let url { Task { await ingestFile(url, expected: .audio) } }
            }
        }
    }

    private func ingest(_ item: PhotosPickerItem) async {
        vm.gps = await location.current()
        guard let file = try? await item.loadTransferable(type: CapturedFile.self) else { return }
        await ingestFile(file.url, expected: nil)
    }

    private func ingest(_ result: CameraPicker.Result?) async {
        guard let result else { return }
        vm.gps = await location.current()
        switch result {
        case let .photo(data):
            await vm.addPhoto(bytes: data)
        case let .video(url):
            await ingestFile(url, expected: .video)
        }
    }

    /// The file is the app's own copy: the view model deletes it once stored, and keeps it when
    /// the save fails or is stopped (issue 11: it used to be deleted either way).
    private func ingestFile(_ url: URL, expected: MediaKind?) async {
        await vm.addFile(at: url, expected: expected, owned: true)
    }
}

/// A capture not saved yet: why, and what the officer can do.
struct PendingRow: View {
    let pending: PendingCapture
    let busy: Bool
    let retry: () -> Void
    let keep: () -> Void
    let discard: () -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Label(title, systemImage: pending.isDamaged ? "exclamationmark.triangle" : "tray.full")
            Text(pending.error?.message ?? L10n.string("capture.stopped")).font(.caption).foregroundStyle(.secondary)
            HStack {
                if pending.isDamaged {
                    Button("capture.keepDamaged", action: keep)
                } else {
                    Button("capture.retry", action: retry)
                }
                Spacer()
                Button("capture.discard", role: .destructive, action: discard)
            }
            .buttonStyle(.borderless)
            .disabled(busy)
        }
    }

    private var title: String {
        switch pending.source {
        case let .file(url, _, _, _): return url.pathExtension.isEmpty ? url.lastPathComponent : url.pathExtension.uppercased()
        case .photo: return L10n.string("capture.cameraPhoto")
        }
    }
}

struct EvidenceRow: View {
    let evidence: Evidence
    let vm: CaptureViewModel
    @State private var thumbnail: UIImage?

    var body: some View {
        HStack {
            Group {
                if let thumbnail {
                    Image(uiImage: thumbnail).resizable().scaledToFill()
                } else {
                    Image(systemName: evidence.kind == .audio ? "waveform" : evidence.kind == .video ? "film" : "photo")
                }
            }
            .frame(width: 56, height: 56).clipped().privacySensitive()
            VStack(alignment: .leading) {
                Text(L10n.media(evidence.kind)) + Text(" · ") +
                    Text(ByteCountFormatter.string(fromByteCount: Int64(evidence.sizeBytes), countStyle: .file))
                Text("SHA-256 \(evidence.sha256.prefix(16))…").font(.caption2.monospaced()).foregroundStyle(.secondary)
                if let damaged = evidence.damaged {
                    Label("evidence.damaged", systemImage: "exclamationmark.triangle.fill").font(.caption).foregroundStyle(.orange)
                    Text(damaged).font(.caption2).foregroundStyle(.secondary)
                }
                if let note = evidence.previewNote {
                    Label("evidence.noPreview", systemImage: "eye.slash").font(.caption).foregroundStyle(.secondary)
                    Text(note).font(.caption2).foregroundStyle(.secondary)
                }
            }
        }
        .task {
            if let data = await vm.thumbnail(evidence.id) { thumbnail = UIImage(data: data) }
        }
    }
}

/// A picked photo or video, copied as-is into the protected capture directory.
struct CapturedFile: Transferable {
    let url: URL

    static var transferRepresentation: some TransferRepresentation {
        FileRepresentation(importedContentType: .item) { received in
            let ext = received.file.pathExtension.isEmpty ? "bin" : received.file.pathExtension
            let copy = try AppDirectories.newCaptureFile(extension: ext)
            try FileManager.default.copyItem(at: received.file, to: copy)
            return CapturedFile(url: copy)
        }
    }
}

/// The camera (photo or video) through UIImagePickerController.
struct CameraPicker: UIViewControllerRepresentable {
    enum Result {
        case photo(Data)
        case video(URL)
    }

    let completion: (Result?) -> Void

    func makeUIViewController(context: Context) -> UIImagePickerController {
        let picker = UIImagePickerController()
        picker.sourceType = .camera
        picker.mediaTypes = [UTType.image.identifier, UTType.movie.identifier]
        picker.videoQuality = .typeHigh
        picker.delegate = context.coordinator
        return picker
    }

    func updateUIViewController(_ controller: UIImagePickerController, context: Context) {}

    func makeCoordinator() -> Coordinator { Coordinator(completion: completion) }

    final class Coordinator: NSObject, UIImagePickerControllerDelegate, UINavigationControllerDelegate {
        let completion: (Result?) -> Void

        init(completion: @escaping (Result?) -> Void) { self.completion = completion }

        func imagePickerController(_ picker: UIImagePickerController, didFinishPickingMediaWithInfo info: [UIImagePickerController.InfoKey: Any]) {
            if let url = info[.mediaURL] as? URL {
                // Move the recording out of the picker's temporary folder before it is cleaned up.
                let copy = try? AppDirectories.newCaptureFile(extension: url.pathExtension.isEmpty ? "mov" : url.pathExtension)
                if let copy, (try? FileManager.default.moveItem(at: url, to: copy)) != nil {
                    completion(.video(copy))
                } else {
                    completion(nil)
                }
            } else if let image = info[.originalImage] as? UIImage, let data = image.jpegData(compressionQuality: 0.95) {
                // UIImagePickerController hands over a decoded image; the JPEG made here is the
                // original as far as the evidence chain is concerned (hashed on receipt).
                completion(.photo(data))
            } else {
                completion(nil)
            }
        }

        func imagePickerControllerDidCancel(_ picker: UIImagePickerController) {
            completion(nil)
        }
    }
}

/// Audio recording with AVAudioRecorder (AAC in .m4a) into the protected capture directory.
struct AudioRecorderView: View {
    let completion: (URL?) -> Void
    @StateObject private var recorder = AudioRecorder()

    var body: some View {
        NavigationStack {
            VStack(spacing: 24) {
                Text(Duration.seconds(recorder.elapsed), format: .time(pattern: .minuteSecond))
                    .font(.system(size: 48, weight: .medium, design: .monospaced))
                if let error = recorder.error { Text(error).foregroundStyle(.red) }
                Button {
                    if recorder.isRecording { completion(recorder.stop()) } else { recorder.start() }
                } label: {
                    Image(systemName: recorder.isRecording ? "stop.circle.fill" : "record.circle")
                        .font(.system(size: 72)).foregroundStyle(.red)
                }
                .accessibilityLabel(Text(LocalizedStringKey(recorder.isRecording ? "audio.stop" : "audio.start")))
            }
            .navigationTitle("audio.title")
            .quickHideItem()
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("common.cancel") { recorder.discard(); completion(nil) }
                }
            }
        }
    }
}

@MainActor
final class AudioRecorder: ObservableObject {
    @Published private(set) var isRecording = false
    @Published private(set) var elapsed: TimeInterval = 0
    @Published private(set) var error: String?
    private var recorder: AVAudioRecorder?
    private var timer: Timer?

    func start() {
        AVAudioSession.sharedInstance().requestRecordPermission { granted in
            Task { @MainActor in
                guard granted else { self.error = L10n.string("audio.noPermission"); return }
                self.begin()
            }
        }
    }

    private func begin() {
        do {
            let session = AVAudioSession.sharedInstance()
            try session.setCategory(.record, mode: .default)
            try session.setActive(true)
            let url = try AppDirectories.newCaptureFile(extension: "m4a")
            let settings: [String: Any] = [
                AVFormatIDKey: Int(kAudioFormatMPEG4AAC),
                AVSampleRateKey: 44_100,
                AVNumberOfChannelsKey: 1,
                AVEncoderAudioQualityKey: AVAudioQuality.high.rawValue,
            ]
            let r = try AVAudioRecorder(url: url, settings: settings)
            guard r.record() else { throw CocoaError(.fileWriteUnknown) }
            recorder = r
            isRecording = true
            elapsed = 0
            timer = Timer.scheduledTimer(withTimeInterval: 0.5, repeats: true) { [weak self] _ in
                Task { @MainActor in self?.elapsed = self?.recorder?.currentTime ?? 0 }
            }
        } catch {
            self.error = L10n.string("audio.failed")
        }
    }

    /// Stops and returns the recording.
    func stop() -> URL? {
        timer?.invalidate()
        guard let r = recorder else { return nil }
        r.stop()
        recorder = nil
        isRecording = false
        try? AVAudioSession.sharedInstance().setActive(false, options: .notifyOthersOnDeactivation)
        return r.url
    }

    func discard() {
        if let url = stop() { try? FileManager.default.removeItem(at: url) }
    }
}
#endif
