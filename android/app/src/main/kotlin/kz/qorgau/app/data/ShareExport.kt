package kz.qorgau.app.data

import android.content.Context
import android.content.Intent
import kz.qorgau.ffi.ExportSummary

/**
 * Shares *where* a court bundle is (its path on this phone, file count and the device
 * fingerprint the expert checks against the station's register) as plain text, e.g. to the
 * officer's own notes or to the station's transfer app. The bundle itself is not attached:
 * it holds personal data in clear and leaves the phone only by the unit's procedure.
 */
object ShareExport {
    fun text(summary: ExportSummary, headline: String): String = buildString {
        appendLine(headline)
        appendLine(summary.bundle)
        appendLine("case ${summary.caseId}")
        appendLine("files ${summary.files.size}, custody entries ${summary.custodyEntries}")
        append("device fingerprint ${summary.deviceFingerprint}")
    }

    fun intent(context: Context, summary: ExportSummary, headline: String, chooserTitle: String): Intent {
        val send = Intent(Intent.ACTION_SEND).apply {
            type = "text/plain"
            putExtra(Intent.EXTRA_SUBJECT, headline)
            putExtra(Intent.EXTRA_TEXT, text(summary, headline))
        }
        return Intent.createChooser(send, chooserTitle)
    }
}
