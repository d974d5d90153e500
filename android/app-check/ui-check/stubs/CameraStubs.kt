// Stubs of the two CameraX / ML Kit types the QR screen refers to (not in the mirror here).
package androidx.camera.view

import android.content.Context

class PreviewView(context: Context) : android.view.View(context) {
    enum class ImplementationMode { PERFORMANCE, COMPATIBLE }
    enum class ScaleType { FILL_START, FILL_CENTER, FILL_END, FIT_START, FIT_CENTER, FIT_END }
    var implementationMode: ImplementationMode = ImplementationMode.PERFORMANCE
    var scaleType: ScaleType = ScaleType.FILL_CENTER
}
