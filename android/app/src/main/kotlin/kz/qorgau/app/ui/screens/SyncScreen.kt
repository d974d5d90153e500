package kz.qorgau.app.ui.screens

import android.Manifest
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.material3.RadioButton
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.semantics.Role
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.compose.LifecycleEventEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.ui.expectExternal
import kz.qorgau.app.model.EnrolledStation
import kz.qorgau.app.model.Format
import kz.qorgau.app.model.LastSyncProblem
import kz.qorgau.app.model.SyncModel
import kz.qorgau.app.model.SyncPhase
import kz.qorgau.app.model.SyncState
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.Fact
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.RetryNote
import kz.qorgau.app.ui.SectionTitle
import kz.qorgau.app.ui.errorText
import kz.qorgau.app.ui.res
import kz.qorgau.core.ErrorMessages
import kz.qorgau.ffi.SyncFailure
import kz.qorgau.ffi.SyncProblem
import kz.qorgau.app.ui.scan.MlKitQrScanner
import kz.qorgau.ffi.EnrolmentCardInfo
import java.io.ByteArrayOutputStream
import java.io.InputStream

/**
 * Sending to the station: what waits, the last success and the last problem by kind,
 * "send now" with progress and a stop button, enrolment by scanning the duty officer's card
 * (the camera preview and ML Kit of the QR verify screen, [scannerFactory]; the address and
 * fingerprints are shown to compare with the card before anything goes out), or with the
 * station's address and the one-time code typed in. "Everything sent" only when the store
 * reports nothing waiting.
 */
@Composable
fun SyncScreen(model: SyncModel, onBack: () -> Unit, scannerFactory: QrScannerFactory = ::MlKitQrScanner) {
    val s by model.state.collectAsStateWithLifecycle()
    // On entry, and back from another app or the lock screen (background runs move the counts).
    LifecycleEventEffect(Lifecycle.Event.ON_RESUME) { model.refresh() }
    var otherStation by rememberSaveable { mutableStateOf(false) }
    // Enrolled (with this or another station): the enrolment form closes.
    LaunchedEffect(s.enrolled) { if (s.enrolled) otherStation = false }
    // The camera is open for the enrolment card (only while asked for; closed once a code is read).
    var scanning by rememberSaveable { mutableStateOf(false) }
    var asked by remember { mutableIntStateOf(0) }
    val askCamera = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { asked++ }
    val context = LocalContext.current
    val camera = asked >= 0 && context.hasCamera()
    val uiScope = rememberCoroutineScope()
    // The station's CA from the system file picker (read off the main thread, at most 64 KiB + 1).
    val pickCa = rememberLauncherForActivityResult(ActivityResultContracts.OpenDocument()) { uri ->
        if (uri != null) uiScope.launch {
            val bytes = withContext(Dispatchers.IO) {
                runCatching {
                    context.contentResolver.openInputStream(uri)?.use { it.readAtMost(SyncModel.MAX_CA_BYTES + 1) }
                }.getOrNull()
            }
            model.attachCaFile(bytes ?: ByteArray(0))
        }
    }

    QScreen(title = stringResource(R.string.sync_title), onBack = onBack) { mod ->
        Column(mod.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            PhaseCard(s)
            s.error?.let { ErrorCard(it) }

            // What waits, and since when
            s.status?.let { st ->
                Fact(stringResource(R.string.sync_records_waiting), st.pendingRecords.toString())
                Fact(stringResource(R.string.sync_originals_waiting), Format.bytes(st.pendingBytes.toLong()))
                s.oldestPendingAt?.let { Fact(stringResource(R.string.sync_waiting_since), Format.instant(it)) }
                Fact(
                    stringResource(R.string.sync_last_success),
                    s.lastSuccessAt?.let { Format.instant(it) } ?: stringResource(R.string.sync_never),
                )
            }
            s.lastProblem?.let { LastProblemCard(it) }

            // Sending
            s.run?.let { run ->
                if (run.total > 0) {
                    LinearProgressIndicator(progress = { run.fraction }, modifier = Modifier.fillMaxWidth())
                    Text(stringResource(R.string.sync_progress, Format.bytes(run.done), Format.bytes(run.total)))
                } else {
                    LinearProgressIndicator(Modifier.fillMaxWidth())
                    Text(stringResource(R.string.sync_sending_records))
                }
                if (run.background) Text(stringResource(R.string.sync_background_run), style = MaterialTheme.typography.bodySmall)
                OutlinedButton(onClick = model::cancel, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.sync_stop)) }
            }
            if (s.stopped && !s.sending && s.lastProblem?.problem != SyncProblem.Failed(SyncFailure.Cancelled)) Text(stringResource(R.string.sync_stopped), style = MaterialTheme.typography.bodyMedium)
            s.lastReport?.takeIf { !s.sending }?.let { r ->
                SectionTitle(stringResource(R.string.sync_result))
                Fact(stringResource(R.string.sync_records_sent), r.acked.toString())
                Fact(stringResource(R.string.sync_originals_sent), Format.bytes(r.uploadedBytes.toLong()))
                if (r.rejected.isNotEmpty()) {
                    Fact(stringResource(R.string.sync_records_refused), r.rejected.size.toString())
                    // Why, by the station's code for each record (they stay on the phone).
                    r.rejected.groupingBy { it.code }.eachCount().forEach { (code, n) ->
                        Text("$n × ${stringResource(ErrorMessages.of(code).res())}", color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall)
                    }
                }
                if (r.registry != null) Text(stringResource(R.string.sync_registry_updated), style = MaterialTheme.typography.bodySmall)
            }
            if (s.isEnrolled) {
                Button(onClick = model::sendNow, enabled = s.canSend, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(R.string.sync_send_now))
                }
                Text(stringResource(R.string.sync_background_note), style = MaterialTheme.typography.bodySmall)
            }

            // The station
            SectionTitle(stringResource(R.string.sync_station))
            s.station?.let { Fact(stringResource(R.string.sync_station_address), it, mono = true) }
            if (s.enrolled) Text(stringResource(R.string.sync_enrolled), color = MaterialTheme.colorScheme.primary)
            s.enrolledStation?.let { TrustedStation(it) }
            val card = s.card
            if (card != null) {
                CardConfirm(card.info, s, onConfirm = model::confirmCard, onCancel = model::cancelCard)
            } else if (s.station == null || otherStation) {
                // The duty officer's card: scanned, then compared and confirmed (CardConfirm).
                Text(stringResource(R.string.sync_enrol_intro), style = MaterialTheme.typography.bodyMedium)
                if (scanning) {
                    if (camera) {
                        ScannerPreview(scannerFactory) { text ->
                            scanning = false
                            model.scanned(text)
                        }
                        Text(stringResource(R.string.sync_scan_point), style = MaterialTheme.typography.bodySmall)
                    } else {
                        Text(stringResource(R.string.sync_scan_camera_needed))
                        Button(onClick = { askCamera.launch(Manifest.permission.CAMERA) }) { Text(stringResource(R.string.grant_permissions)) }
                    }
                    OutlinedButton(onClick = { scanning = false }, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.cancel)) }
                } else {
                    Button(onClick = { scanning = true }, enabled = s.canScan, modifier = Modifier.fillMaxWidth()) {
                        Text(stringResource(R.string.sync_scan_card))
                    }
                }
                if (s.readingCard) LinearProgressIndicator(Modifier.fillMaxWidth())

                // The fallback: address and code typed in.
                Text(stringResource(R.string.sync_or_type), style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(top = 8.dp))
                OutlinedTextField(
                    s.stationUrl, model::setStationUrl,
                    label = { Text(stringResource(R.string.sync_station_url)) },
                    placeholder = { Text("https://10.0.0.5:8440") },
                    singleLine = true,
                    keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Uri, autoCorrectEnabled = false),
                    modifier = Modifier.fillMaxWidth(),
                )
                OutlinedTextField(
                    s.code, model::setCode,
                    label = { Text(stringResource(R.string.sync_code)) },
                    singleLine = true,
                    keyboardOptions = KeyboardOptions(
                        capitalization = KeyboardCapitalization.Characters,
                        autoCorrectEnabled = false,
                        keyboardType = KeyboardType.Ascii,
                    ),
                    modifier = Modifier.fillMaxWidth(),
                )
                if (s.isHttps) {
                    Text(stringResource(R.string.sync_certificate), style = MaterialTheme.typography.labelLarge)
                    Column(Modifier.selectableGroup()) {
                        CertificateChoice(stringResource(R.string.sync_certificate_public), !s.ownCertificate) { model.setOwnCertificate(false) }
                        CertificateChoice(stringResource(R.string.sync_certificate_own), s.ownCertificate) { model.setOwnCertificate(true) }
                    }
                    if (s.ownCertificate) {
                        OutlinedButton(
                            onClick = { context.expectExternal(); pickCa.launch(arrayOf("application/x-pem-file", "application/x-x509-ca-cert", "application/pkix-cert", "text/plain", "application/octet-stream")) },
                            modifier = Modifier.fillMaxWidth(),
                        ) { Text(stringResource(R.string.sync_ca_pick)) }
                        OutlinedTextField(
                            s.caPem, model::setCaPem,
                            label = { Text(stringResource(R.string.sync_ca_pem)) },
                            placeholder = { Text("-----BEGIN CERTIFICATE-----") },
                            minLines = 3,
                            maxLines = 6,
                            textStyle = MaterialTheme.typography.bodySmall.copy(fontFamily = FontFamily.Monospace),
                            keyboardOptions = KeyboardOptions(autoCorrectEnabled = false, keyboardType = KeyboardType.Ascii),
                            modifier = Modifier.fillMaxWidth(),
                        )
                        Text(stringResource(R.string.sync_ca_note), style = MaterialTheme.typography.bodySmall)
                    }
                }
                Button(onClick = model::enrol, enabled = s.canEnrol, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(if (s.enrolling) R.string.sync_enrolling else R.string.sync_enrol))
                }
            } else if (!s.enrolled) {
                Row(verticalAlignment = Alignment.CenterVertically) {
                    TextButton(onClick = { otherStation = true }) { Text(stringResource(R.string.sync_enrol_other)) }
                }
            }
            s.failure?.let { ErrorCard(it) }
        }
    }
}

/** Up to [limit] bytes (a little more at most): enough to tell a CA file from anything too big. */
private fun InputStream.readAtMost(limit: Int): ByteArray {
    val out = ByteArrayOutputStream()
    val buf = ByteArray(8192)
    while (out.size() < limit) {
        val n = read(buf)
        if (n < 0) break
        out.write(buf, 0, n)
    }
    return out.toByteArray()
}

/**
 * The scanned card, to compare with the printed one before anything goes out: the station's
 * address and the fingerprints of its TLS root and signing key in lines of four groups.
 */
@Composable
private fun CardConfirm(info: EnrolmentCardInfo, s: SyncState, onConfirm: () -> Unit, onCancel: () -> Unit) {
    Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.secondaryContainer)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(stringResource(R.string.sync_card_title), style = MaterialTheme.typography.titleMedium)
            Text(stringResource(R.string.sync_card_note), style = MaterialTheme.typography.bodySmall)
            Fact(stringResource(R.string.sync_station_address), info.stationUrl, mono = true)
            Fingerprint(stringResource(R.string.sync_tls_root), info.tlsRootFingerprint)
            Fingerprint(stringResource(R.string.sync_station_key), info.stationKeyFingerprint)
            Button(onClick = onConfirm, enabled = s.canConfirmCard, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(if (s.enrolling) R.string.sync_enrolling else R.string.sync_card_confirm))
            }
            OutlinedButton(onClick = onCancel, enabled = !s.enrolling, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(R.string.cancel))
            }
        }
    }
}

/** What the phone trusts after this screen's enrolment: the station key and the TLS root. */
@Composable
private fun TrustedStation(e: EnrolledStation) {
    Text(stringResource(R.string.sync_trusts), style = MaterialTheme.typography.labelLarge)
    Fingerprint(stringResource(R.string.sync_station_key), e.enrolment.stationKeyFingerprint)
    val root = e.tlsRootFingerprint
    when {
        root != null -> Fingerprint(stringResource(R.string.sync_tls_root), root)
        e.enrolment.tlsRootPinned -> Fact(stringResource(R.string.sync_tls_root), stringResource(R.string.sync_tls_root_pinned))
        else -> Fact(stringResource(R.string.sync_tls_root), stringResource(R.string.sync_tls_root_none))
    }
}

/** A fingerprint for reading aloud: four groups of four hex digits a line; null = not on the card. */
@Composable
private fun Fingerprint(label: String, grouped: String?) {
    Column(Modifier.fillMaxWidth().padding(vertical = 2.dp)) {
        Text(label, style = MaterialTheme.typography.labelMedium)
        if (grouped == null) {
            Text(stringResource(R.string.sync_not_on_card), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.error)
        } else {
            SyncModel.fingerprintLines(grouped).forEach { line ->
                Text(line, style = MaterialTheme.typography.titleMedium, fontFamily = FontFamily.Monospace)
            }
        }
    }
}

/** One radio row of the https certificate choice. */
@Composable
private fun CertificateChoice(label: String, selected: Boolean, onSelect: () -> Unit) {
    Row(
        Modifier.fillMaxWidth().selectable(selected = selected, onClick = onSelect, role = Role.RadioButton).padding(vertical = 4.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        RadioButton(selected = selected, onClick = null)
        Text(label, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(start = 8.dp))
    }
}

/** One line on the state of sending, from the store's own counts. */
@Composable
private fun PhaseCard(s: SyncState) {
    val phase = s.phase
    val text = when (phase) {
        SyncPhase.UNKNOWN -> stringResource(if (s.loading) R.string.sync_phase_checking else R.string.sync_phase_unknown)
        SyncPhase.NOT_ENROLLED -> stringResource(R.string.sync_phase_not_enrolled)
        SyncPhase.SENDING -> stringResource(R.string.sync_phase_sending)
        SyncPhase.WAITING -> stringResource(R.string.sync_phase_waiting)
        SyncPhase.ALL_SENT -> stringResource(R.string.sync_phase_all_sent)
    }
    val colors = when (phase) {
        SyncPhase.ALL_SENT -> CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.primaryContainer)
        SyncPhase.WAITING, SyncPhase.NOT_ENROLLED -> CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.tertiaryContainer)
        else -> CardDefaults.cardColors()
    }
    Card(Modifier.fillMaxWidth(), colors = colors) {
        Text(text, style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(12.dp))
    }
}

/**
 * The store's last sync problem by kind, in the UI language, with its time and whether it
 * passes by itself (the next background sync tries again) or needs someone to act.
 */
@Composable
private fun LastProblemCard(p: LastSyncProblem) {
    val title = stringResource(R.string.sync_last_attempt).let { t -> p.at?.let { "$t · ${Format.instant(it)}" } ?: t }
    Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer)) {
        Column(Modifier.padding(12.dp)) {
            Text(title, style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.onErrorContainer)
            Text(errorText(p.message), style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onErrorContainer)
            p.retriesByItself?.let { RetryNote(it) }
        }
    }
}
