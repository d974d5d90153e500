package kz.qorgau.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import kz.qorgau.app.R
import kz.qorgau.ffi.Evidence

/**
 * What the core says about a stored piece of evidence beyond its facts: the "damaged" mark
 * (kept as received after the officer confirmed, with the core's reason) and why there is no
 * preview of a sound file it cannot draw. Nothing when neither applies.
 */
@Composable
fun EvidenceMarks(e: Evidence) {
    e.damaged?.let { why ->
        Text(stringResource(R.string.evidence_damaged), color = MaterialTheme.colorScheme.error,
            style = MaterialTheme.typography.labelLarge, fontWeight = FontWeight.Bold)
        Text(stringResource(R.string.evidence_damaged_why, why), style = MaterialTheme.typography.bodySmall)
    }
    e.previewNote?.let { Text(stringResource(R.string.evidence_no_preview, it), style = MaterialTheme.typography.bodySmall) }
}

/**
 * "This file is damaged or cut short. Keep it as damaged evidence?" for [fileName]: Keep,
 * Discard (the caller asks once more before deleting), or away from the dialog: later (the
 * file stays on the phone, pending).
 */
@Composable
fun KeepDamagedDialog(fileName: String, onKeep: () -> Unit, onDiscard: () -> Unit, onLater: () -> Unit) {
    AlertDialog(
        onDismissRequest = onLater,
        title = { Text(stringResource(R.string.damaged_title)) },
        text = {
            Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(stringResource(R.string.damaged_keep_question))
                Text(fileName, style = MaterialTheme.typography.bodySmall)
                Text(stringResource(R.string.damaged_keep_note), style = MaterialTheme.typography.bodySmall)
            }
        },
        confirmButton = { TextButton(onClick = onKeep) { Text(stringResource(R.string.damaged_keep)) } },
        dismissButton = {
            TextButton(
                onClick = onDiscard,
                colors = ButtonDefaults.textButtonColors(contentColor = MaterialTheme.colorScheme.error),
            ) { Text(stringResource(R.string.discard)) }
        },
    )
}
