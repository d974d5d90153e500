package kz.qorgau.app.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.selection.SelectionContainer
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.painterResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.ui.expectExternal
import kz.qorgau.app.R
import kz.qorgau.app.data.ShareExport
import kz.qorgau.app.model.ExportModel
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.Fact
import kz.qorgau.app.ui.QScreen

/** Export for court: the core verifies, then writes the bundle; its path can be shared, as a
 *  confirmed act the core records in the case's custody chain first. */
@Composable
fun ExportScreen(model: ExportModel, onBack: () -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    val context = LocalContext.current

    QScreen(title = stringResource(R.string.export_title), onBack = onBack) { mod ->
        Column(mod.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(stringResource(R.string.export_intro), style = MaterialTheme.typography.bodyMedium)
            Text(stringResource(R.string.export_personal_data), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.error)
            if (s.running) LinearProgressIndicator(Modifier.fillMaxWidth())
            s.error?.let { ErrorCard(it) }
            val summary = s.summary
            if (summary == null) {
                Button(onClick = model::export, enabled = !s.running, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(if (s.running) R.string.exporting else R.string.export))
                }
            } else {
                Card(Modifier.fillMaxWidth()) {
                    SelectionContainer {
                        Column(Modifier.padding(12.dp)) {
                            Text(stringResource(R.string.export_done), style = MaterialTheme.typography.titleMedium)
                            Text(summary.bundle, fontFamily = FontFamily.Monospace, style = MaterialTheme.typography.bodySmall)
                            Fact(stringResource(R.string.bundle_files), summary.files.size.toString())
                            Fact(stringResource(R.string.custody_entries), summary.custodyEntries.toString())
                            Fact(stringResource(R.string.device_fingerprint), summary.deviceFingerprint, mono = true)
                        }
                    }
                }
                // Sharing is a confirmed act the core records first (custody chain); a refusal
                // (nobody signed in, the session locked) shows in the ErrorCard and shares nothing.
                OutlinedButton(onClick = model::askShare, enabled = s.canShare, modifier = Modifier.fillMaxWidth()) {
                    Icon(painterResource(R.drawable.ic_share), contentDescription = null)
                    Text(" " + stringResource(R.string.share_path))
                }
                Text(stringResource(R.string.verify_txt_note), style = MaterialTheme.typography.bodySmall)
            }
        }
    }

    val headline = stringResource(R.string.share_headline)
    val chooser = stringResource(R.string.share_path)
    LaunchedEffect(s.share) {
        val share = s.share ?: return@LaunchedEffect
        model.shareOpened()
        context.expectExternal()
        context.startActivity(ShareExport.intent(share, headline, chooser))
    }
    if (s.confirmingShare) {
        AlertDialog(
            onDismissRequest = model::cancelShare,
            title = { Text(stringResource(R.string.export_share_confirm_title)) },
            text = { Text(stringResource(R.string.export_share_confirm_text)) },
            confirmButton = { TextButton(onClick = model::confirmShare) { Text(stringResource(R.string.share_path)) } },
            dismissButton = { TextButton(onClick = model::cancelShare) { Text(stringResource(R.string.cancel)) } },
        )
    }
}
