package kz.qorgau.app.ui.screens

import android.Manifest
import android.annotation.SuppressLint
import android.content.Context
import android.content.pm.PackageManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageCapture
import androidx.camera.core.ImageCaptureException
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.video.FileOutputOptions
import androidx.camera.video.FallbackStrategy
import androidx.camera.video.Quality
import androidx.camera.video.QualitySelector
import androidx.camera.video.Recorder
import androidx.camera.video.Recording
import androidx.camera.video.VideoCapture
import androidx.camera.video.VideoRecordEvent
import androidx.camera.view.PreviewView
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Card
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.LocalLifecycleOwner
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.capture.AudioRecorder
import kz.qorgau.app.capture.IngestItem
import kz.qorgau.app.capture.IngestState
import kz.qorgau.app.model.CaptureModel
import kz.qorgau.app.model.Format
import kz.qorgau.app.ui.Chips
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.EvidenceMarks
import kz.qorgau.app.ui.KeepDamagedDialog
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.SectionTitle
import kz.qorgau.app.ui.label
import kz.qorgau.ffi.MediaKind
import java.io.File

private fun Context.granted(permission: String) =
    ContextCompat.checkSelfPermission(this, permission) == PackageManager.PERMISSION_GRANTED

/**
 * Capture: photo (CameraX ImageCapture), video (CameraX VideoCapture with audio) and audio
 * (MediaRecorder), each written to a file under noBackupFilesDir/captures and then stored
 * by the core with a progress bar and a cancel button. Captures not yet stored are listed.
 */
@Composable
fun CaptureScreen(model: CaptureModel, onBack: () -> Unit) {
    val context = LocalContext.current
    val s by model.state.collectAsStateWithLifecycle()
    var mode by rememberSaveable { mutableStateOf(MediaKind.PHOTO) }
    var permissionsAsked by remember { mutableStateOf(0) } // recomposes after the dialog
    val ask = rememberLauncherForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) { permissionsAsked++ }
    val hasCamera = permissionsAsked >= 0 && context.granted(Manifest.permission.CAMERA)
    val hasMic = permissionsAsked >= 0 && context.granted(Manifest.permission.RECORD_AUDIO)
    var captureFailed by remember { mutableStateOf(false) }
    var confirmDiscard by remember { mutableStateOf<File?>(null) }

    QScreen(title = stringResource(R.string.capture_title), onBack = onBack) { mod ->
        LazyColumn(mod, contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            item { Chips(MediaKind.entries, { it == mode }, { stringResource(it.label()) }, { mode = it }) }
            item {
                val needed = when (mode) {
                    MediaKind.PHOTO -> !hasCamera
                    MediaKind.VIDEO -> !hasCamera || !hasMic
                    MediaKind.AUDIO -> !hasMic
                }
                if (needed) {
                    Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                        Text(stringResource(R.string.permission_needed))
                        Button(onClick = {
                            ask.launch(arrayOf(
                                Manifest.permission.CAMERA,
                                Manifest.permission.RECORD_AUDIO,
                                Manifest.permission.ACCESS_FINE_LOCATION,
                                Manifest.permission.ACCESS_COARSE_LOCATION,
                            ))
                        }) { Text(stringResource(R.string.grant_permissions)) }
                    }
                } else {
                    when (mode) {
                        MediaKind.PHOTO, MediaKind.VIDEO -> CameraCapture(mode, hasMic, model, onFailed = { captureFailed = true })
                        MediaKind.AUDIO -> AudioCapture(model, onFailed = { captureFailed = true })
                    }
                }
            }
            if (captureFailed) item {
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Text(stringResource(R.string.capture_failed), modifier = Modifier.weight(1f), color = MaterialTheme.colorScheme.error)
                    TextButton(onClick = { captureFailed = false }) { Text(stringResource(R.string.dismiss)) }
                }
            }
            if (s.items.isNotEmpty()) item { SectionTitle(stringResource(R.string.storing)) }
            items(s.items, key = { it.id }) { item ->
                IngestRow(
                    item,
                    onCancel = { model.cancel(item.id) },
                    onDismiss = { model.dismiss(item.id) },
                    onRetry = { model.retry(item.file) },
                    onDiscard = { confirmDiscard = item.file },
                    onKeepDamaged = { model.keepDamaged(item.id) },
                )
            }
            if (s.pending.isNotEmpty()) item { SectionTitle(stringResource(R.string.pending_captures)) }
            items(s.pending, key = { it.path }) { file ->
                Card(Modifier.fillMaxWidth()) {
                    Column(Modifier.padding(12.dp)) {
                        Text("${file.name} · ${Format.bytes(file.length())}")
                        Text(stringResource(R.string.pending_note), style = MaterialTheme.typography.bodySmall)
                        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                            Button(onClick = { model.retry(file) }) { Text(stringResource(R.string.add_to_case)) }
                            OutlinedButton(onClick = { confirmDiscard = file }) { Text(stringResource(R.string.discard)) }
                        }
                    }
                }
            }
        }
    }

    // A photo refused as damaged or cut short: keep it (marked damaged), discard it (after the
    // usual confirmation; "keep" there comes back here), or later (it stays pending).
    val damaged = s.askKeepDamaged
    if (damaged != null && confirmDiscard == null) {
        KeepDamagedDialog(
            fileName = damaged.file.name,
            onKeep = { model.keepDamaged(damaged.id) },
            onDiscard = { confirmDiscard = damaged.file },
            onLater = { model.dismiss(damaged.id) },
        )
    }

    confirmDiscard?.let { file ->
        AlertDialog(
            onDismissRequest = { confirmDiscard = null },
            title = { Text(stringResource(R.string.discard_title)) },
            text = { Text(stringResource(R.string.discard_text, file.name)) },
            confirmButton = {
                TextButton(
                    onClick = { model.discard(file); confirmDiscard = null },
                    colors = ButtonDefaults.textButtonColors(contentColor = MaterialTheme.colorScheme.error),
                ) { Text(stringResource(R.string.discard)) }
            },
            dismissButton = { TextButton(onClick = { confirmDiscard = null }) { Text(stringResource(R.string.keep)) } },
        )
    }
}

/** Camera preview with a shutter (photo) or record/stop (video) button. */
@SuppressLint("MissingPermission") // RECORD_AUDIO is checked (hasMic) before withAudioEnabled()
@Composable
private fun CameraCapture(mode: MediaKind, hasMic: Boolean, model: CaptureModel, onFailed: () -> Unit) {
    val context = LocalContext.current
    val lifecycleOwner = LocalLifecycleOwner.current
    val executor = remember { ContextCompat.getMainExecutor(context) }
    // TextureView ("compatible") so that the preview is part of the FLAG_SECURE window.
    val previewView = remember {
        PreviewView(context).apply {
            implementationMode = PreviewView.ImplementationMode.COMPATIBLE
            scaleType = PreviewView.ScaleType.FIT_CENTER
        }
    }
    val imageCapture = remember {
        ImageCapture.Builder().setCaptureMode(ImageCapture.CAPTURE_MODE_MAXIMIZE_QUALITY).build()
    }
    val videoCapture = remember {
        val recorder = Recorder.Builder()
            .setQualitySelector(QualitySelector.from(Quality.FHD, FallbackStrategy.lowerQualityOrHigherThan(Quality.SD)))
            .build()
        VideoCapture.withOutput(recorder)
    }
    var recording by remember { mutableStateOf<Recording?>(null) }
    var busy by remember { mutableStateOf(false) }

    DisposableEffect(mode, lifecycleOwner) {
        val future = ProcessCameraProvider.getInstance(context)
        var provider: ProcessCameraProvider? = null
        future.addListener({
            val p = future.get()
            provider = p
            val preview = Preview.Builder().build()
            preview.setSurfaceProvider(previewView.surfaceProvider)
            try {
                p.unbindAll()
                // One capture use case at a time: works on every camera hardware level.
                p.bindToLifecycle(lifecycleOwner, CameraSelector.DEFAULT_BACK_CAMERA, preview,
                    if (mode == MediaKind.PHOTO) imageCapture else videoCapture)
            } catch (e: Exception) {
                onFailed()
            }
        }, executor)
        onDispose {
            // Leaving the screen mid-recording: stop, so that the file is finalised and stored.
            recording?.stop()
            provider?.unbindAll()
        }
    }

    Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Box(Modifier.fillMaxWidth().aspectRatio(3f / 4f)) {
            AndroidView(factory = { previewView }, modifier = Modifier.fillMaxSize())
        }
        when (mode) {
            MediaKind.PHOTO -> Button(
                enabled = !busy,
                modifier = Modifier.fillMaxWidth(),
                onClick = {
                    busy = true
                    val file = model.newFile(MediaKind.PHOTO)
                    imageCapture.takePicture(
                        ImageCapture.OutputFileOptions.Builder(file).build(),
                        executor,
                        object : ImageCapture.OnImageSavedCallback {
                            override fun onImageSaved(output: ImageCapture.OutputFileResults) {
                                busy = false
                                model.captured(file, MediaKind.PHOTO)
                            }
                            override fun onError(exception: ImageCaptureException) {
                                busy = false
                                model.captureFailed(file)
                                onFailed()
                            }
                        },
                    )
                },
            ) { Text(stringResource(R.string.take_photo)) }
            else -> {
                val active = recording
                if (active == null) {
                    Button(modifier = Modifier.fillMaxWidth(), onClick = {
                        val file = model.newFile(MediaKind.VIDEO)
                        val pending = videoCapture.output.prepareRecording(context, FileOutputOptions.Builder(file).build())
                        val withAudio = if (hasMic) pending.withAudioEnabled() else pending
                        recording = withAudio.start(executor) { event ->
                            if (event is VideoRecordEvent.Finalize) {
                                recording = null
                                // Some errors (storage full, source stopped) still leave a
                                // playable file: keep whatever was written; the core decides.
                                if (file.length() > 0) model.captured(file, MediaKind.VIDEO) else {
                                    model.captureFailed(file)
                                    onFailed()
                                }
                            }
                        }
                    }) { Text(stringResource(R.string.start_video)) }
                } else {
                    Button(
                        modifier = Modifier.fillMaxWidth(),
                        colors = ButtonDefaults.buttonColors(containerColor = MaterialTheme.colorScheme.error),
                        onClick = { active.stop() },
                    ) { Text(stringResource(R.string.stop_video)) }
                }
            }
        }
    }
}

/** Audio recording with MediaRecorder (AAC/ADTS; see AudioRecorder for why not .m4a). */
@Composable
private fun AudioCapture(model: CaptureModel, onFailed: () -> Unit) {
    val context = LocalContext.current
    val recorder = remember { AudioRecorder(context) }
    var recording by remember { mutableStateOf(false) }

    DisposableEffect(recorder) {
        onDispose {
            // Leaving the screen mid-recording keeps what was recorded.
            recorder.stop()?.let { model.captured(it, MediaKind.AUDIO) }
        }
    }

    if (!recording) {
        Button(modifier = Modifier.fillMaxWidth(), onClick = {
            try {
                recorder.start(model.newFile(MediaKind.AUDIO))
                recording = true
            } catch (e: Exception) {
                onFailed()
            }
        }) { Text(stringResource(R.string.start_audio)) }
    } else {
        Button(
            modifier = Modifier.fillMaxWidth(),
            colors = ButtonDefaults.buttonColors(containerColor = MaterialTheme.colorScheme.error),
            onClick = {
                recording = false
                val file = recorder.stop()
                if (file != null) model.captured(file, MediaKind.AUDIO) else onFailed()
            },
        ) { Text(stringResource(R.string.stop_audio)) }
    }
}

/** One capture on its way into the store. */
@Composable
private fun IngestRow(item: IngestItem, onCancel: () -> Unit, onDismiss: () -> Unit, onRetry: () -> Unit, onDiscard: () -> Unit, onKeepDamaged: () -> Unit) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text("${stringResource(item.kind.label())} · ${item.file.name}", style = MaterialTheme.typography.bodyMedium)
            when (val st = item.state) {
                IngestState.Queued -> Text(stringResource(R.string.queued))
                is IngestState.Running -> {
                    LinearProgressIndicator(progress = { st.fraction }, modifier = Modifier.fillMaxWidth())
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        Text(
                            stringResource(R.string.progress_of, Format.bytes(st.done), Format.bytes(st.total)),
                            style = MaterialTheme.typography.bodySmall,
                            modifier = Modifier.weight(1f),
                        )
                        OutlinedButton(onClick = onCancel) { Text(stringResource(R.string.cancel)) }
                    }
                }
                is IngestState.Stored -> {
                    Text(stringResource(R.string.stored), color = MaterialTheme.colorScheme.primary)
                    Text("SHA-256 ${Format.shortHash(st.evidence.sha256)}…", style = MaterialTheme.typography.bodySmall)
                    EvidenceMarks(st.evidence)
                    TextButton(onClick = onDismiss) { Text(stringResource(R.string.dismiss)) }
                }
                is IngestState.Failed -> {
                    ErrorCard(st.error)
                    Text(stringResource(R.string.kept_on_phone), style = MaterialTheme.typography.bodySmall)
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        // Damaged: trying again as before would be refused again.
                        if (item.askKeepDamaged) Button(onClick = onKeepDamaged) { Text(stringResource(R.string.keep_as_damaged)) }
                        else Button(onClick = onRetry) { Text(stringResource(R.string.retry)) }
                        OutlinedButton(onClick = onDiscard) { Text(stringResource(R.string.discard)) }
                    }
                }
            }
        }
    }
}
