package kz.qorgau.app.ui

import android.content.ActivityNotFoundException
import android.content.ClipData
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.print.PrintManager
import androidx.core.content.FileProvider
import kz.qorgau.app.data.PdfPrintAdapter
import java.io.File
import java.io.IOException

/**
 * Order PDFs go to Android's print service by default ([print]: PrintManager with a
 * [PdfPrintAdapter] streaming the file; no other app gets it). Opening or sharing is the
 * officer's explicit second choice: the file then leaves the app only as a content:// URI of
 * the FileProvider declared in the manifest ("<package>.documents", res/xml/document_paths.xml:
 * noBackupFilesDir/documents/ and nothing else), with a one-off read grant to the app she picks.
 */
object Documents {
    /**
     * Opens the system print dialog for the PDF ([context] must be the activity); false when
     * the phone has no print service to ask. The dialog is the print spooler's own activity, so
     * the trip is announced like the other trips out ([expectExternal]).
     */
    fun print(context: Context, file: File, jobName: String): Boolean {
        val printing = context.getSystemService(PrintManager::class.java) ?: return false
        return try {
            val adapter = PdfPrintAdapter(file, jobName)
            context.expectExternal()
            printing.print(jobName, adapter, null)
            true
        } catch (e: IllegalStateException) {
            false // not an activity context
        } catch (e: IOException) {
            false // the file is gone (purged by a lock): make the PDF again
        }
    }

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

    /** Shares the PDF to the app the officer picks; false when nothing can receive it. */
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
