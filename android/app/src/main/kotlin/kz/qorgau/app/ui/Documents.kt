package kz.qorgau.app.ui

import android.content.ActivityNotFoundException
import android.content.ClipData
import android.content.Context
import android.content.Intent
import android.net.Uri
import androidx.core.content.FileProvider
import java.io.File

/**
 * Printed orders leave the app only as content:// URIs of the FileProvider declared in the
 * manifest ("<package>.documents", res/xml/document_paths.xml: noBackupFilesDir/documents/
 * and nothing else), with a one-off read grant to the app the officer picks.
 */
object Documents {
    private fun uri(context: Context, file: File): Uri =
        FileProvider.getUriForFile(context, "${context.packageName}.documents", file)

    /** Opens the PDF in a viewer; false when the phone has none. */
    fun open(context: Context, file: File, chooserTitle: String): Boolean {
        val u = uri(context, file)
        val view = Intent(Intent.ACTION_VIEW).apply {
            setDataAndType(u, "application/pdf")
            addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        }
        return start(context, Intent.createChooser(view, chooserTitle))
    }

    /** Shares the PDF (e.g. to the unit's printer app); false when nothing can receive it. */
    fun share(context: Context, file: File, subject: String, chooserTitle: String): Boolean {
        val u = uri(context, file)
        val send = Intent(Intent.ACTION_SEND).apply {
            type = "application/pdf"
            putExtra(Intent.EXTRA_STREAM, u)
            putExtra(Intent.EXTRA_SUBJECT, subject)
            clipData = ClipData.newRawUri(subject, u) // carries the grant through the chooser
            addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        }
        return start(context, Intent.createChooser(send, chooserTitle))
    }

    private fun start(context: Context, intent: Intent): Boolean = try {
        context.expectExternal()
        context.startActivity(intent)
        true
    } catch (e: ActivityNotFoundException) {
        false
    }
}
