package kz.qorgau.app.capture

import kz.qorgau.ffi.MediaKind
import kz.qorgau.ffi.Uuid
import java.io.File
import java.text.SimpleDateFormat
import java.util.Date
import java.util.Locale
import java.util.TimeZone
import java.util.concurrent.atomic.AtomicInteger

/**
 * The files between the camera or microphone and the store: `captures/<case id>/<name>`.
 *
 * A capture stays here until the core has stored it (then [kz.qorgau.app.capture.IngestQueue]
 * deletes it). A file left over — ingest cancelled or failed, app killed, battery empty — is
 * "pending": the capture screen lists it so the officer adds it to the case or discards it.
 * Evidence is never deleted silently.
 */
class CaptureFiles(private val root: File) {
    private val seq = AtomicInteger()

    fun dirFor(caseId: Uuid): File = File(root, caseId).apply { mkdirs() }

    /** A new, not yet existing file for a capture of [kind] on [caseId]. */
    fun newFile(caseId: Uuid, kind: MediaKind, now: Date = Date()): File {
        val stamp = SimpleDateFormat("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).apply { timeZone = TimeZone.getTimeZone("UTC") }.format(now)
        val (prefix, ext) = when (kind) {
            MediaKind.PHOTO -> "IMG" to "jpg"
            MediaKind.VIDEO -> "VID" to "mp4"
            MediaKind.AUDIO -> "AUD" to "aac"
        }
        return File(dirFor(caseId), "${prefix}_${stamp}_${seq.incrementAndGet()}.$ext")
    }

    /** Captures of [caseId] not (yet) in the store, oldest first. Empty files are left out. */
    fun pending(caseId: Uuid): List<File> =
        File(root, caseId).listFiles { f -> f.isFile && f.length() > 0 && kindOf(f) != null }
            ?.sortedBy { it.name }
            .orEmpty()

    /** The kind a capture was made as, from the name this class gave it. */
    fun kindOf(file: File): MediaKind? = when (file.extension.lowercase(Locale.ROOT)) {
        "jpg", "jpeg" -> MediaKind.PHOTO
        "mp4" -> MediaKind.VIDEO
        "aac" -> MediaKind.AUDIO
        else -> null
    }

    /** Deletes a pending capture the officer chose to discard. */
    fun discard(file: File): Boolean = file.canonicalFile.startsWith(root.canonicalFile) && file.delete()
}
