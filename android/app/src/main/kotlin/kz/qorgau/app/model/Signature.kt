package kz.qorgau.app.model

/** A point on the signature pad, in the pad's pixels. */
data class SignaturePoint(val x: Float, val y: Float)

/** What was drawn on the pad: strokes of points, and the pad's size in pixels. */
data class Signature(
    val strokes: List<List<SignaturePoint>> = emptyList(),
    val width: Int = 0,
    val height: Int = 0,
) {
    /** Nothing drawn, or only taps: not a signature. */
    val isEmpty: Boolean get() = strokes.none { it.size >= 2 }

    fun resized(w: Int, h: Int) = if (w == width && h == height) this else copy(width = w, height = h)

    fun startStroke(p: SignaturePoint) = copy(strokes = strokes + listOf(listOf(p)))

    fun extendStroke(p: SignaturePoint): Signature {
        if (strokes.isEmpty()) return startStroke(p)
        return copy(strokes = strokes.dropLast(1) + listOf(strokes.last() + p))
    }

    fun cleared() = copy(strokes = emptyList())
}

/**
 * Turns a drawn signature into PNG bytes for the core (`ServeOrder.Signed`): black strokes on
 * white. The app draws with android.graphics (capture/AndroidSignatureRenderer); the JVM
 * tests with java.awt.
 */
fun interface SignatureRenderer {
    fun png(signature: Signature): ByteArray
}
