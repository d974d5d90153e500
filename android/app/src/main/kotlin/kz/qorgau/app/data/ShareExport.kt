package kz.qorgau.app.data

import android.content.Intent
import kz.qorgau.ffi.ExportSummary

/**
 * A share of a court bundle that the core has recorded in the case's custody chain
 * (`bundle_shared` at [custodySeq], by the signed-in profile). Only
 * [CaseRepository.recordBundleShared] makes one, and [ShareExport.intent] takes nothing else:
 * a share the core refused (nobody signed in, the session locked) cannot be started.
 */
class RecordedShare internal constructor(val summary: ExportSummary, val custodySeq: ULong)

/**
 * Shares *where* a court bundle is (its path on this phone, file count and the device
 * fingerprint the expert checks against the station's register) as plain text, e.g. to the
 * officer's own notes or to the station's transfer app. The bundle itself is not attached:
 * it holds personal data in clear and leaves the phone only by the unit's procedure.
 */
object ShareExport {
    /** What the custody entry says about where the share goes: the app is picked in Android's
     *  chooser after the entry is written, so the app itself is not known to it. */
    const val TO = "Android share chooser"

    fun text(summary: ExportSummary, headline: String): String = buildString {
        appendLine(headline)
        appendLine(summary.bundle)
        appendLine("case ${summary.caseId}")
        appendLine("files ${summary.files.size}, custody entries ${summary.custodyEntries}")
        append("device fingerprint ${summary.deviceFingerprint}")
    }

    fun intent(share: RecordedShare, headline: String, chooserTitle: String): Intent {
        val send = Intent(Intent.ACTION_SEND).apply {
            type = "text/plain"
            putExtra(Intent.EXTRA_SUBJECT, headline)
            putExtra(Intent.EXTRA_TEXT, text(share.summary, headline))
        }
        return Intent.createChooser(send, chooserTitle)
    }
}
