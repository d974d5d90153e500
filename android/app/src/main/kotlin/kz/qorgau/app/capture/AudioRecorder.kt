package kz.qorgau.app.capture

import android.content.Context
import android.media.MediaRecorder
import android.os.Build
import java.io.File

/**
 * Records audio evidence with [MediaRecorder] into a file under captures/.
 *
 * Format: AAC in an ADTS stream (`.aac`), not AAC in MPEG-4 (`.m4a`). The core recognises
 * media by content, and an MPEG-4 file written by MediaRecorder (`ftyp isom/mp42`) is
 * recognised as *video*, so `addEvidenceFile(expected = AUDIO)` would refuse it. ADTS is
 * recognised as `audio/aac` and plays in every player a court expert has.
 *
 * Needs RECORD_AUDIO (the capture screen asks for it first). Not thread-safe: use from the
 * main thread.
 */
class AudioRecorder(private val context: Context) {
    private var recorder: MediaRecorder? = null
    private var output: File? = null

    val isRecording: Boolean get() = recorder != null

    /** Starts recording into [file]. Throws if the microphone cannot be opened. */
    fun start(file: File) {
        check(recorder == null) { "already recording" }
        val r = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.S) {
            MediaRecorder(context)
        } else {
            @Suppress("DEPRECATION")
            MediaRecorder()
        }
        try {
            r.setAudioSource(MediaRecorder.AudioSource.MIC)
            r.setOutputFormat(MediaRecorder.OutputFormat.AAC_ADTS)
            r.setAudioEncoder(MediaRecorder.AudioEncoder.AAC)
            r.setAudioChannels(1)
            r.setAudioSamplingRate(44_100)
            r.setAudioEncodingBitRate(96_000)
            r.setOutputFile(file.path)
            r.prepare()
            r.start()
        } catch (e: Exception) {
            r.release()
            file.delete()
            throw e
        }
        recorder = r
        output = file
    }

    /**
     * Stops and returns the finished file, or null when nothing usable was recorded (stopped
     * right after starting; MediaRecorder then throws and the empty file is removed).
     */
    fun stop(): File? {
        val r = recorder ?: return null
        val file = output
        recorder = null
        output = null
        return try {
            r.stop()
            file?.takeIf { it.length() > 0 }
        } catch (e: RuntimeException) {
            file?.delete()
            null
        } finally {
            r.release()
        }
    }

    /** Releases the microphone without keeping anything (screen closed mid-recording keeps it: see stop). */
    fun release() {
        recorder?.release()
        recorder = null
        output = null
    }
}
