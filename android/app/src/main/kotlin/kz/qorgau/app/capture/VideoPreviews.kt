package kz.qorgau.app.capture

import android.graphics.Bitmap
import android.media.MediaMetadataRetriever
import kz.qorgau.ffi.MediaKind
import java.io.ByteArrayOutputStream
import java.io.File
import kotlin.math.max
import kotlin.math.roundToInt

/**
 * The platform preview of a video for the core (which stores video without decoding it): the
 * first frame, scaled to ≤ 320 px on the long edge, as JPEG. Audio has no preview.
 * The core validates and re-encodes it; a failure here only means "no preview".
 */
object VideoPreviews : PreviewMaker {
    private const val EDGE = 320

    override fun preview(file: File, kind: MediaKind): ByteArray? {
        if (kind != MediaKind.VIDEO) return null
        val retriever = MediaMetadataRetriever()
        return try {
            retriever.setDataSource(file.path)
            val frame = retriever.getFrameAtTime(0, MediaMetadataRetriever.OPTION_CLOSEST_SYNC) ?: return null
            val scale = EDGE.toFloat() / max(frame.width, frame.height)
            val small = if (scale < 1f) {
                Bitmap.createScaledBitmap(frame, (frame.width * scale).roundToInt().coerceAtLeast(1), (frame.height * scale).roundToInt().coerceAtLeast(1), true)
            } else {
                frame
            }
            ByteArrayOutputStream().use { out ->
                small.compress(Bitmap.CompressFormat.JPEG, 80, out)
                out.toByteArray()
            }.also {
                if (small !== frame) small.recycle()
                frame.recycle()
            }
        } catch (e: RuntimeException) {
            null
        } finally {
            try {
                retriever.release()
            } catch (e: Exception) {
                // release() declares IOException since API 29; nothing to do
            }
        }
    }
}
