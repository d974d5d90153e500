#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau

/// A signature drawn with a finger on a Canvas. The strokes are kept in `SignatureDrawing`
/// (package `Qorgau`), which renders the PNG the core stores: the same code the Linux tests
/// exercise, so what is signed here is exactly what the tests prove the core accepts.
struct SignaturePad: View {
    let completion: (Data?) -> Void
    @State private var drawing = SignatureDrawing()

    var body: some View {
        NavigationStack {
            VStack(spacing: 12) {
                SignatureCanvas(drawing: $drawing)
                    .frame(height: 260)
                Text("signature.hint").font(.caption).foregroundStyle(.secondary)
                Spacer()
            }
            .padding()
            .navigationTitle("signature.title")
            .quickHideItem()
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("common.cancel") { completion(nil) } }
                ToolbarItem(placement: .destructiveAction) { Button("signature.clear") { drawing.clear() } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("signature.done") { completion(drawing.png()) }.disabled(drawing.isEmpty)
                }
            }
        }
    }
}

/// The drawing surface: white, black ink, sized to its frame (the drawing keeps that size, so
/// the PNG has the proportions the person saw).
struct SignatureCanvas: View {
    @Binding var drawing: SignatureDrawing

    var body: some View {
        GeometryReader { geo in
            Canvas { context, _ in
                for stroke in drawing.strokes where !stroke.isEmpty {
                    var path = Path()
                    path.addLines(stroke.map { CGPoint(x: $0.x, y: $0.y) })
                    if stroke.count == 1, let p = stroke.first {
                        path.addEllipse(in: CGRect(x: p.x - 1.5, y: p.y - 1.5, width: 3, height: 3))
                    }
                    context.stroke(path, with: .color(.black), style: StrokeStyle(lineWidth: 3, lineCap: .round, lineJoin: .round))
                }
            }
            .background(Color.white)
            .overlay(RoundedRectangle(cornerRadius: 8).stroke(.secondary))
            .contentShape(Rectangle())
            .gesture(DragGesture(minimumDistance: 0).onChanged { v in
                let p = SignatureDrawing.Point(x: v.location.x, y: v.location.y)
                if v.translation == .zero { drawing.begin(at: p) } else { drawing.add(p) }
            })
            .onAppear { resize(geo.size) }
            .onChange(of: geo.size) { resize($0) }
        }
    }

    private func resize(_ size: CGSize) {
        guard drawing.strokes.isEmpty, size.width > 0, size.height > 0 else { return }
        drawing = SignatureDrawing(width: size.width, height: size.height)
    }
}
#endif
