package kz.qorgau.app.capture

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kz.qorgau.app.data.UiError
import kz.qorgau.core.CaptureProgress
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.CaptureInfo
import kz.qorgau.ffi.Evidence
import kz.qorgau.ffi.GeoPoint
import kz.qorgau.ffi.MediaKind
import kz.qorgau.ffi.QorgauStore
import kz.qorgau.ffi.Uuid
import java.io.File
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong

/** Makes a platform preview (≤ 320 px JPEG or PNG) for media the core cannot decode (video). */
fun interface PreviewMaker {
    fun preview(file: File, kind: MediaKind): ByteArray?
}

/** Where an ingest is. */
sealed interface IngestState {
    data object Queued : IngestState
    data class Running(val done: Long, val total: Long) : IngestState {
        val fraction: Float get() = if (total <= 0) 0f else (done.toDouble() / total).toFloat().coerceIn(0f, 1f)
    }
    /** In the store, hashed and signed; the plaintext capture file is deleted. */
    data class Stored(val evidence: Evidence) : IngestState
    /** Not stored; the capture file is kept (pending) for another try or an explicit discard.
     *  [UiError.damaged]: a photo refused as damaged or cut short, which can be kept as damaged
     *  evidence if the officer confirms. */
    data class Failed(val error: UiError) : IngestState
}

data class IngestItem(
    val id: Long,
    val caseId: Uuid,
    val file: File,
    val kind: MediaKind,
    val state: IngestState,
    /** Position and note of the moment of capture (kept for "keep as damaged"). */
    val gps: GeoPoint? = null,
    val note: String? = null,
    /** Added with CaptureInfo.keepDamaged: the officer confirmed keeping it damaged. */
    val keepDamaged: Boolean = false,
) {
    /** Refused as damaged or cut short and not yet answered: keep as damaged evidence, or discard. */
    val askKeepDamaged: Boolean get() = !keepDamaged && (state as? IngestState.Failed)?.error?.damaged == true
}

/**
 * Moves captures into the store: `addEvidenceFile` with a [CaptureProgress] (progress bar,
 * cancel button), one at a time on [io], in [scope] (the application's, so an ingest goes on
 * when the officer leaves the capture screen).
 *
 * After the core has stored a capture, the plaintext file is deleted; after a failure or a
 * cancel it is kept and shows up as pending (see [CaptureFiles.pending]).
 */
class IngestQueue(
    private val store: () -> QorgauStore,
    private val scope: CoroutineScope,
    private val language: () -> UiLanguage,
    private val previews: PreviewMaker? = null,
    io: CoroutineDispatcher = Dispatchers.IO,
    /** Told after each capture the core has stored (the app refreshes what waits to be sent). */
    private val onStored: () -> Unit = {},
) {
    /** One ingest at a time: a photo ingest already uses two cores, a video saturates the disk. */
    private val lane = io.limitedParallelism(1)
    private val ids = AtomicLong()
    private val progress = ConcurrentHashMap<Long, CaptureProgress>()

    private val _items = MutableStateFlow<List<IngestItem>>(emptyList())
    val items: StateFlow<List<IngestItem>> = _items.asStateFlow()

    /** Files currently queued or being stored (not to be offered as pending). */
    fun busyFiles(): Set<File> = items.value
        .filter { it.state is IngestState.Queued || it.state is IngestState.Running }
        .mapTo(HashSet()) { it.file }

    /**
     * Queues [file] for [caseId]; [gps] and [note] are those of the moment of capture.
     * [keepDamaged]: only after the officer confirmed keeping a photo the core refused as
     * damaged or cut short; it is then stored as it is and marked damaged.
     */
    fun submit(caseId: Uuid, file: File, kind: MediaKind, gps: GeoPoint? = null, note: String? = null, keepDamaged: Boolean = false): Long {
        require(file !in busyFiles()) { "already being stored" }
        val id = ids.incrementAndGet()
        var lastPermille = -1L
        val observer = CaptureProgress { done, total ->
            // Called from the ingest thread for every 1 MiB piece: publish at most 1000 steps.
            val permille = if (total <= 0) 0 else done * 1000 / total
            if (permille != lastPermille) {
                lastPermille = permille
                set(id, IngestState.Running(done, total))
            }
        }
        progress[id] = observer
        _items.update { it + IngestItem(id, caseId, file, kind, IngestState.Queued, gps, note, keepDamaged) }
        scope.launch {
            val result = withContext(lane) {
                if (observer.isCancelled()) return@withContext Result.failure(kz.qorgau.ffi.QorgauException.Cancelled())
                set(id, IngestState.Running(0, file.length()))
                runCatching {
                    val thumb = if (kind == MediaKind.PHOTO) null else previews?.runCatching { preview(file, kind) }?.getOrNull()
                    store().addEvidenceFile(caseId, file.path, kind, CaptureInfo(gps, note, thumb, keepDamaged), observer).record
                }
            }
            progress.remove(id)
            result.fold(
                onSuccess = { evidence ->
                    // The original is now encrypted in the store, hashed and signed: the
                    // plaintext copy must not stay on the phone.
                    file.delete()
                    set(id, IngestState.Stored(evidence))
                    onStored()
                },
                onFailure = { e -> set(id, IngestState.Failed(UiError.of(e))) },
            )
        }
        return id
    }

    /** Stops an ingest at its next piece (or before it starts); the file stays pending. */
    fun cancel(id: Long) {
        progress[id]?.cancel()
    }

    /** Removes a finished item (stored or failed) from the list. */
    fun dismiss(id: Long) {
        _items.update { list -> list.filterNot { it.id == id && (it.state is IngestState.Stored || it.state is IngestState.Failed) } }
    }

    private fun set(id: Long, state: IngestState) {
        _items.update { list -> list.map { if (it.id == id) it.copy(state = state) else it } }
    }
}
