package kz.qorgau.app.ui.screens

import android.Manifest
import android.content.Context
import android.content.pm.PackageManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.camera.view.PreviewView
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import androidx.lifecycle.LifecycleOwner
import androidx.lifecycle.compose.LocalLifecycleOwner
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.capture.QrScanner
import kz.qorgau.app.model.Format
import kz.qorgau.app.model.QrVerifyModel
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.Fact
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.SectionTitle
import kz.qorgau.app.ui.scan.MlKitQrScanner

/** Makes the scanner for a preview; the app's is CameraX + ML Kit (see capture/QrScanner). */
typealias QrScannerFactory = (Context, LifecycleOwner, PreviewView) -> QrScanner

/** Whether the camera permission is granted (the QR verify and sync screens ask for it). */
internal fun Context.hasCamera() = ContextCompat.checkSelfPermission(this, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED

/**
 * Scan an order's QR code and verify it offline; or type/paste the code. [onCheckPerson]
 * opens the check at the scene for the IIN the code carries.
 */
@Composable
fun QrVerifyScreen(
    model: QrVerifyModel,
    onBack: () -> Unit,
    onCheckPerson: (String) -> Unit,
    scannerFactory: QrScannerFactory = ::MlKitQrScanner,
) {
    val context = LocalContext.current
    val s by model.state.collectAsStateWithLifecycle()
    var asked by remember { mutableIntStateOf(0) }
    val ask = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { asked++ }
    val camera = asked >= 0 && context.hasCamera()
    val showingResult = s.code != null || s.error != null

    QScreen(title = stringResource(R.string.qr_title), onBack = onBack) { mod ->
        Column(mod.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            if (!showingResult) {
                if (camera) {
                    ScannerPreview(scannerFactory, model::scanned)
                    Text(stringResource(R.string.qr_point_camera), style = MaterialTheme.typography.bodySmall)
                } else {
                    Text(stringResource(R.string.qr_camera_needed))
                    Button(onClick = { ask.launch(Manifest.permission.CAMERA) }) { Text(stringResource(R.string.grant_permissions)) }
                }
            }
            if (s.verifying) LinearProgressIndicator(Modifier.fillMaxWidth())
            s.error?.let { ErrorCard(it) }
            s.code?.let { c ->
                Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.primaryContainer)) {
                    Column(Modifier.padding(12.dp)) {
                        Text(stringResource(R.string.qr_valid), style = MaterialTheme.typography.titleMedium)
                        Fact(stringResource(R.string.order_number), c.number)
                        Fact(stringResource(R.string.valid_from), Format.instant(c.validFrom))
                        Fact(stringResource(R.string.valid_until), Format.instant(c.validUntil))
                        Fact(stringResource(R.string.issued_at), Format.instant(c.issuedAt))
                        Fact(stringResource(R.string.restricted_person), c.restricted)
                        Fact(stringResource(R.string.protected_persons), c.protected.joinToString(", "))
                        Fact(stringResource(R.string.issuing_device), c.deviceId, mono = true)
                        Text(stringResource(R.string.prohibited), style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(top = 4.dp))
                        s.prohibitions.forEach { Text("• $it") }
                    }
                }
                Text(stringResource(R.string.qr_revocation_note), style = MaterialTheme.typography.bodySmall)
                s.restrictedIin?.let { iin ->
                    Button(onClick = { onCheckPerson(iin) }, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.check_restricted_person)) }
                }
            }
            if (showingResult) {
                OutlinedButton(onClick = model::reset, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.scan_another)) }
            }
            SectionTitle(stringResource(R.string.qr_manual))
            OutlinedTextField(s.manualText, model::setManual, label = { Text(stringResource(R.string.qr_text)) }, minLines = 2, modifier = Modifier.fillMaxWidth())
            OutlinedButton(onClick = model::verifyManual, enabled = s.manualText.isNotBlank() && !s.verifying, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(R.string.verify_code))
            }
        }
    }
}

/** The camera preview (TextureView, so FLAG_SECURE covers it) with the scanner running. */
@Composable
internal fun ScannerPreview(factory: QrScannerFactory, onText: (String) -> Unit) {
    val context = LocalContext.current
    val owner = LocalLifecycleOwner.current
    val previewView = remember {
        PreviewView(context).apply {
            implementationMode = PreviewView.ImplementationMode.COMPATIBLE
            scaleType = PreviewView.ScaleType.FILL_CENTER
        }
    }
    DisposableEffect(owner) {
        val scanner = factory(context, owner, previewView)
        scanner.start(onText)
        onDispose { scanner.stop() }
    }
    Box(Modifier.fillMaxWidth().aspectRatio(1f)) {
        AndroidView(factory = { previewView }, modifier = Modifier.fillMaxSize())
    }
}
