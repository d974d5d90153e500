package kz.qorgau.app.ui.screens

import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.ui.expectExternal
import kz.qorgau.app.model.StationKeyModel
import kz.qorgau.app.ui.ErrorCard

/**
 * A registry brought by hand, folded away under the check screen (from the case list): the
 * station key field and "trust" only for a signed-in supervisor, a plain sentence for anyone
 * else; "import a registry file" (system file picker) for everyone. Decisions: StationKeyModel.
 */
@Composable
fun RegistryByHand(model: StationKeyModel) {
    val s by model.state.collectAsStateWithLifecycle()
    var open by rememberSaveable { mutableStateOf(false) }
    val context = LocalContext.current
    val pick = rememberLauncherForActivityResult(ActivityResultContracts.OpenDocument()) { uri ->
        if (uri != null) model.importRegistry { context.contentResolver.openInputStream(uri) }
    }
    LaunchedEffect(open) { if (open) model.refresh() }

    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            TextButton(onClick = { open = !open }) { Text(stringResource(R.string.registry_by_hand_title)) }
            if (!open) return@Column
            Text(stringResource(R.string.registry_by_hand_note), style = MaterialTheme.typography.bodySmall)
            if (s.mayChangeKey) {
                OutlinedTextField(
                    s.keyHex, model::setKey,
                    label = { Text(stringResource(R.string.station_key_label)) },
                    isError = s.keyProblem,
                    supportingText = { if (s.keyProblem) Text(stringResource(R.string.station_key_invalid)) },
                    singleLine = true, modifier = Modifier.fillMaxWidth(),
                )
                Button(onClick = model::trust, enabled = s.canTrust, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(R.string.station_key_trust))
                }
            } else {
                Text(
                    stringResource(R.string.station_key_supervisor_only),
                    color = if (s.refusedBySupervisorRule) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurfaceVariant,
                )
            }
            if (s.trusted) Text(stringResource(R.string.station_key_trusted), color = MaterialTheme.colorScheme.primary)
            // Any file: a registry has no registered MIME type; the core checks its signature.
            OutlinedButton(onClick = { context.expectExternal(); pick.launch(arrayOf("*/*")) }, enabled = s.canImport, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(R.string.registry_import))
            }
            if (s.busy) LinearProgressIndicator(Modifier.fillMaxWidth())
            s.imported?.let { Text(stringResource(R.string.registry_imported, it.sequence.toLong(), it.rows.toLong())) }
            s.error?.let { ErrorCard(it) }
        }
    }
}
