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
 * A file left longer than [MAX_AGE_MS] (a day) is deleted at the next start ([expire]): it is
 * unencrypted evidence outside the store, and the next person to open the case would see it.
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

    /** Deletes captures (and emptied case directories) last written more than [maxAgeMs] ago;
     *  the number deleted. Called at start, before any capture or ingest of this process. */
    fun expire(maxAgeMs: Long = MAX_AGE_MS, now: Long = System.currentTimeMillis()): Int {
        var n = 0
        root.listFiles()?.filter { it.isDirectory }?.forEach { dir ->
            dir.listFiles()?.forEach { f -> if (f.isFile && now - f.lastModified() > maxAgeMs && f.delete()) n++ }
            if (dir.listFiles()?.isEmpty() == true) dir.delete()
        }
        return n
    }

    companion object {
        /** How long a capture that never reached the store is kept. */
        const val MAX_AGE_MS = 24L * 3600 * 1000
    }

    /** Deletes a pending capture the officer chose to discard. */
    fun discard(file: File): Boolean = file.canonicalFile.startsWith(root.canonicalFile) && file.delete()
}
