package kz.qorgau.app.data

import android.os.Bundle
import android.os.CancellationSignal
import android.os.ParcelFileDescriptor
import android.print.PageRange
import android.print.PrintAttributes
import android.print.PrintDocumentAdapter
import android.print.PrintDocumentInfo
import java.io.File
import java.io.FileInputStream
import java.io.FileOutputStream
import java.io.IOException
import java.nio.ByteBuffer
import java.nio.channels.FileChannel

/**
 * Hands a finished PDF to Android's print service (PrintManager.print): the file is streamed as
 * it is, every page, and the print system picks the pages the officer chose. No other app gets
 * the file or a URI to it.
 *
 * The file is opened here, once: a lock may purge `documents/` while the print dialog is still
 * asking for the document (preview, then the job), and an open descriptor keeps the bytes
 * readable until [onFinish] closes it.
 */
class PdfPrintAdapter(file: File, private val jobName: String) : PrintDocumentAdapter() {
    private val source: FileChannel = FileInputStream(file).channel
    private var laidOut = false

    override fun onLayout(
        oldAttributes: PrintAttributes?,
        newAttributes: PrintAttributes,
        cancellationSignal: CancellationSignal?,
        callback: LayoutResultCallback,
        extras: Bundle?,
    ) {
        if (cancellationSignal?.isCanceled == true) return callback.onLayoutCancelled()
        val info = PrintDocumentInfo.Builder(jobName)
            .setContentType(PrintDocumentInfo.CONTENT_TYPE_DOCUMENT)
            .setPageCount(PrintDocumentInfo.PAGE_COUNT_UNKNOWN)
            .build()
        // The PDF does not change with paper size or margins: changed only at the first layout.
        callback.onLayoutFinished(info, !laidOut)
        laidOut = true
    }

    override fun onWrite(
        pages: Array<out PageRange>,
        destination: ParcelFileDescriptor,
        cancellationSignal: CancellationSignal?,
        callback: WriteResultCallback,
    ) {
        try {
            // Not closed here: the print system owns the destination descriptor.
            val out = FileOutputStream(destination.fileDescriptor)
            val buf = ByteBuffer.allocate(64 * 1024)
            var at = 0L // positional reads: a second onWrite (preview, then the job) starts at 0
            while (true) {
                if (cancellationSignal?.isCanceled == true) return callback.onWriteCancelled()
                buf.clear()
                val n = source.read(buf, at)
                if (n < 0) break
                out.write(buf.array(), 0, n)
                at += n
            }
            out.flush()
            callback.onWriteFinished(arrayOf(PageRange.ALL_PAGES))
        } catch (e: IOException) {
            // The exception's message could name the file: the type only.
            callback.onWriteFailed(e.javaClass.simpleName)
        }
    }

    override fun onFinish() {
        runCatching { source.close() }
    }
}
