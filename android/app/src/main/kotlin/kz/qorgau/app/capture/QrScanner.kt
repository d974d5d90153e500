package kz.qorgau.app.capture

/**
 * Reads QR codes and hands over their text; the text is verified by the core
 * (`verifyOrderQr`), never trusted as read.
 *
 * The app's implementation is CameraX ImageAnalysis + ML Kit barcode scanning (bundled model,
 * works offline), in ui/scan/MlKitQrScanner.kt: both come from Google's Maven, so they stay
 * behind this interface and out of the models and their JVM tests. Another decoder (ZXing,
 * a hardware scanner) can replace it without touching the screen's model.
 */
interface QrScanner {
    /** Starts scanning; [onText] is called on the main thread for every code read. */
    fun start(onText: (String) -> Unit)

    /** Stops the camera and the decoder; safe to call twice. */
    fun stop()
}
