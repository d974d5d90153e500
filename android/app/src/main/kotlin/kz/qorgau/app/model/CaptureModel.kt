package kz.qorgau.app.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharingStarted
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.combine
import kotlinx.coroutines.flow.stateIn
import kotlinx.coroutines.launch
import kz.qorgau.app.capture.CaptureFiles
import kz.qorgau.app.capture.IngestItem
import kz.qorgau.app.capture.IngestQueue
import kz.qorgau.ffi.GeoPoint
import kz.qorgau.ffi.MediaKind
import kz.qorgau.ffi.Uuid
import java.io.File

data class CaptureState(
    /** Ingests of this case: queued, running (progress), stored, failed. */
    val items: List<IngestItem> = emptyList(),
    /** Captures on the phone that are not in the store and not being stored. */
    val pending: List<File> = emptyList(),
) {
    /**
     * A photo the core refused as damaged or cut short, waiting for the officer's answer to
     * "This file is damaged or cut short. Keep it as damaged evidence?": [CaptureModel.keepDamaged],
     * or discard (after the usual confirmation), or later ([CaptureModel.dismiss]: it stays pending
     * and is asked again when added again). The oldest first, one at a time.
     */
    val askKeepDamaged: IngestItem? get() = items.firstOrNull { it.askKeepDamaged }
}

/**
 * The capture screen's logic: a new file for each capture, then into the [IngestQueue] with
 * the position of the moment; pending captures offered again or discarded on purpose.
 */
class CaptureModel(
    private val scope: CoroutineScope,
    private val caseId: Uuid,
    private val files: CaptureFiles,
    private val queue: IngestQueue,
    /** A quick position for a capture (a recent fix, or a short wait); null is fine. */
    private val locate: suspend () -> GeoPoint?,
    /** Where a finished capture is handed to the queue: the app's scope, so that leaving the
     *  screen while the position is looked up does not leave the capture behind. */
    private val work: CoroutineScope = scope,
) {
    private val pendingFiles = MutableStateFlow(files.pending(caseId))

    val state: StateFlow<CaptureState> = combine(queue.items, pendingFiles) { items, pending ->
        val mine = items.filter { it.caseId == caseId }
        val listed = mine.mapTo(HashSet()) { it.file }
        CaptureState(mine, pending.filter { it !in listed })
    }.stateIn(scope, SharingStarted.Eagerly, CaptureState())

    fun newFile(kind: MediaKind): File = files.newFile(caseId, kind)

    /** The camera or recorder has finished writing [file]. */
    fun captured(file: File, kind: MediaKind) {
        work.launch {
            val gps = try { locate() } catch (e: SecurityException) { null }
            queue.submit(caseId, file, kind, gps)
            refreshPending()
        }
    }

    /** A capture that failed on the device (camera error): nothing to keep. */
    fun captureFailed(file: File) {
        if (file.length() == 0L) file.delete()
        refreshPending()
    }

    /** Adds a pending capture (left by a cancel, a failure or a killed app) to the case. */
    fun retry(file: File) {
        val kind = files.kindOf(file) ?: return
        if (file in queue.busyFiles()) return
        queue.items.value.filter { it.file == file }.forEach { queue.dismiss(it.id) }
        queue.submit(caseId, file, kind)
        refreshPending()
    }

    /**
     * The officer confirmed keeping a photo refused as damaged or cut short: it is added again,
     * with the position and note of its capture, and stored as it is, marked damaged.
     */
    fun keepDamaged(id: Long) {
        val item = queue.items.value.firstOrNull { it.id == id && it.caseId == caseId && it.askKeepDamaged } ?: return
        if (item.file in queue.busyFiles() || !item.file.isFile) return
        queue.dismiss(item.id)
        queue.submit(caseId, item.file, item.kind, item.gps, item.note, keepDamaged = true)
        refreshPending()
    }

    /** Deletes a pending capture after the officer confirmed. */
    fun discard(file: File) {
        if (file in queue.busyFiles()) return
        files.discard(file)
        queue.items.value.filter { it.file == file }.forEach { queue.dismiss(it.id) }
        refreshPending()
    }

    fun cancel(id: Long) = queue.cancel(id)

    fun dismiss(id: Long) {
        queue.dismiss(id)
        refreshPending()
    }

    fun refreshPending() {
        pendingFiles.value = files.pending(caseId)
    }
}
