package kz.qorgau.core

import kz.qorgau.ffi.ProgressObserver
import java.util.concurrent.atomic.AtomicBoolean

/**
 * Progress of a long capture (a video of several GB is hashed and encrypted in pieces).
 * [listener] is called from the ingest thread with bytes done and total; [cancel] stops the
 * ingest at the next piece (the core then stores nothing and fails with `Cancelled`).
 */
class CaptureProgress(private val listener: (done: Long, total: Long) -> Unit = { _, _ -> }) : ProgressObserver {
    private val cancelled = AtomicBoolean(false)

    @Volatile var done: Long = 0
        private set
    @Volatile var total: Long = 0
        private set

    /** Fraction 0.0..1.0 for a progress bar. */
    val fraction: Double get() = if (total <= 0) 0.0 else done.toDouble() / total.toDouble()

    fun cancel() = cancelled.set(true)

    override fun onProgress(done: ULong, total: ULong) {
        this.done = done.toLong()
        this.total = total.toLong()
        listener(this.done, this.total)
    }

    override fun isCancelled(): Boolean = cancelled.get()
}
