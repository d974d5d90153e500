package kz.qorgau.app.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.selection.SelectionContainer
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.model.Format
import kz.qorgau.app.model.VerifyModel
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.Fact
import kz.qorgau.app.ui.QScreen
import kz.qorgau.ffi.VerifyFailure

/** Verification on the phone; a failure is shown exactly as the core reports it. */
@Composable
fun VerifyScreen(model: VerifyModel, onBack: () -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.run() }

    QScreen(title = stringResource(R.string.verify_title), onBack = onBack) { mod ->
        Column(mod.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(stringResource(R.string.verify_intro), style = MaterialTheme.typography.bodyMedium)
            if (s.running) {
                LinearProgressIndicator(Modifier.fillMaxWidth())
                Text(stringResource(R.string.verifying))
            }
            s.error?.let { ErrorCard(it) }
            s.report?.let { r ->
                val ok = r.ok && r.failure == null
                Card(
                    Modifier.fillMaxWidth(),
                    colors = CardDefaults.cardColors(
                        containerColor = if (ok) MaterialTheme.colorScheme.primaryContainer else MaterialTheme.colorScheme.errorContainer,
                    ),
                ) {
                    Column(Modifier.padding(12.dp)) {
                        Text(
                            stringResource(if (ok) R.string.verify_ok else R.string.verify_failed),
                            style = MaterialTheme.typography.titleMedium,
                        )
                        Fact(stringResource(R.string.entries_checked), r.entriesChecked.toString())
                        Fact(stringResource(R.string.records_checked), r.recordsChecked.toString())
                        Fact(stringResource(R.string.files_checked), r.filesChecked.toString())
                        Fact(stringResource(R.string.bytes_hashed), Format.bytes(r.bytesHashed.toLong()))
                    }
                }
                r.failure?.let { FailureCard(it) }
            }
            Button(onClick = model::run, enabled = !s.running, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(R.string.verify_again))
            }
        }
    }
}

/** The first mismatch: which entry, record and file, what was expected and what was found. */
@Composable
private fun FailureCard(f: VerifyFailure) {
    Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer)) {
        SelectionContainer {
            Column(Modifier.padding(12.dp)) {
                Text(stringResource(R.string.first_failure), style = MaterialTheme.typography.titleSmall)
                Fact(stringResource(R.string.failure_what), f.what)
                f.seq?.let { Fact(stringResource(R.string.failure_entry), it.toString(), mono = true) }
                f.record?.let { Fact(stringResource(R.string.failure_record), it, mono = true) }
                f.file?.let { Fact(stringResource(R.string.failure_file), it, mono = true) }
                Fact(stringResource(R.string.failure_expected), f.expected, mono = true)
                Fact(stringResource(R.string.failure_found), f.found, mono = true)
            }
        }
    }
}
