package kz.qorgau.app.ui.scan

import android.content.Context
import androidx.annotation.OptIn
import androidx.camera.core.CameraSelector
import androidx.camera.core.ExperimentalGetImage
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.core.content.ContextCompat
import androidx.lifecycle.LifecycleOwner
import com.google.mlkit.vision.barcode.BarcodeScanner
import com.google.mlkit.vision.barcode.BarcodeScannerOptions
import com.google.mlkit.vision.barcode.BarcodeScanning
import com.google.mlkit.vision.barcode.common.Barcode
import com.google.mlkit.vision.common.InputImage
import kz.qorgau.app.capture.QrScanner
import java.util.concurrent.Executor
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/**
 * QR codes from the back camera: CameraX Preview + ImageAnalysis (latest frame only), decoded
 * by ML Kit's bundled barcode model (com.google.mlkit:barcode-scanning: on the device, no
 * Google Play services, no network). Only QR codes are looked for. The text goes to the
 * caller, who has the core verify it.
 */
class MlKitQrScanner(
    private val context: Context,
    private val owner: LifecycleOwner,
    private val previewView: PreviewView,
) : QrScanner {
    private val analysis: ExecutorService = Executors.newSingleThreadExecutor()
    private val scanner: BarcodeScanner = BarcodeScanning.getClient(
        BarcodeScannerOptions.Builder().setBarcodeFormats(Barcode.FORMAT_QR_CODE).build(),
    )
    private var provider: ProcessCameraProvider? = null
    @Volatile private var stopped = false

    override fun start(onText: (String) -> Unit) {
        val main = ContextCompat.getMainExecutor(context)
        val future = ProcessCameraProvider.getInstance(context)
        future.addListener({
            if (stopped) return@addListener
            val p = future.get()
            provider = p
            val preview = Preview.Builder().build().also { it.setSurfaceProvider(previewView.surfaceProvider) }
            val frames = ImageAnalysis.Builder()
                .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
                .build()
            frames.setAnalyzer(analysis) { proxy -> decode(proxy, main, onText) }
            p.unbindAll()
            p.bindToLifecycle(owner, CameraSelector.DEFAULT_BACK_CAMERA, preview, frames)
        }, main)
    }

    @OptIn(ExperimentalGetImage::class)
    private fun decode(proxy: ImageProxy, main: Executor, onText: (String) -> Unit) {
        val image = proxy.image
        if (image == null || stopped) {
            proxy.close()
            return
        }
        scanner.process(InputImage.fromMediaImage(image, proxy.imageInfo.rotationDegrees))
            .addOnSuccessListener(main) { codes ->
                if (!stopped) codes.firstNotNullOfOrNull { it.rawValue }?.let(onText)
            }
            .addOnCompleteListener { proxy.close() }
    }

    override fun stop() {
        if (stopped) return
        stopped = true
        provider?.unbindAll()
        scanner.close()
        analysis.shutdown()
    }
}
