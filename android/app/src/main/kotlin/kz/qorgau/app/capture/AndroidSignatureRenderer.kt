package kz.qorgau.app.capture

import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.Color
import android.graphics.Paint
import android.graphics.Path
import kz.qorgau.app.model.Signature
import kz.qorgau.app.model.SignatureRenderer
import java.io.ByteArrayOutputStream

/**
 * The signature pad's strokes as a PNG (black on white, the pad's size, at most [maxSide]
 * pixels on the longer side), drawn with android.graphics off the main thread.
 */
class AndroidSignatureRenderer(private val maxSide: Int = 1200, private val strokeWidth: Float = 5f) : SignatureRenderer {
    override fun png(signature: Signature): ByteArray {
        require(signature.width > 0 && signature.height > 0) { "the pad has no size yet" }
        val scale = minOf(1f, maxSide.toFloat() / maxOf(signature.width, signature.height))
        val w = maxOf(1, (signature.width * scale).toInt())
        val h = maxOf(1, (signature.height * scale).toInt())
        val bitmap = Bitmap.createBitmap(w, h, Bitmap.Config.ARGB_8888)
        try {
            val canvas = Canvas(bitmap)
            canvas.drawColor(Color.WHITE)
            val paint = Paint(Paint.ANTI_ALIAS_FLAG).apply {
                color = Color.BLACK
                style = Paint.Style.STROKE
                strokeCap = Paint.Cap.ROUND
                strokeJoin = Paint.Join.ROUND
                this.strokeWidth = this@AndroidSignatureRenderer.strokeWidth
            }
            for (stroke in signature.strokes) {
                if (stroke.isEmpty()) continue
                val path = Path()
                path.moveTo(stroke[0].x * scale, stroke[0].y * scale)
                for (p in stroke.drop(1)) path.lineTo(p.x * scale, p.y * scale)
                if (stroke.size == 1) path.lineTo(stroke[0].x * scale + 0.5f, stroke[0].y * scale)
                canvas.drawPath(path, paint)
            }
            val out = ByteArrayOutputStream()
            check(bitmap.compress(Bitmap.CompressFormat.PNG, 100, out)) { "PNG encoding failed" }
            return out.toByteArray()
        } finally {
            bitmap.recycle()
        }
    }
}
