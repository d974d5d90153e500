package kz.qorgau.app.ui.screens

import android.graphics.BitmapFactory
import androidx.compose.foundation.Image
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.produceState
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.compose.LifecycleEventEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import kz.qorgau.app.R
import kz.qorgau.app.model.CaseOverviewModel
import kz.qorgau.app.model.Format
import kz.qorgau.app.ui.Busy
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.EvidenceMarks
import kz.qorgau.app.ui.Fact
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.SectionTitle
import kz.qorgau.app.ui.label
import kz.qorgau.ffi.Evidence

/** One case: what is recorded so far, and the way to each step. */
@Composable
fun CaseScreen(model: CaseOverviewModel, onBack: () -> Unit, onGo: (String) -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    // On first show and back from people/capture/statement: show what was added.
    LifecycleEventEffect(Lifecycle.Event.ON_RESUME) { model.refresh() }

    QScreen(title = stringResource(R.string.case_title), onBack = onBack) { mod ->
        val file = s.file
        if (file == null) {
            if (s.error != null) Column(mod.padding(16.dp)) { ErrorCard(s.error!!) } else Busy(stringResource(R.string.loading))
            return@QScreen
        }
        LazyColumn(mod, contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            item {
                val c = file.case
                Fact(stringResource(R.string.opened_at), Format.deviceTime(c.openedAt))
                Fact(stringResource(R.string.trigger), stringResource(c.trigger.label()))
                Fact(stringResource(R.string.status), stringResource(file.status.label()))
                if (c.categories.isNotEmpty()) Fact(stringResource(R.string.categories), c.categories.map { stringResource(it.label()) }.joinToString(", "))
                c.location.point?.let { Fact(stringResource(R.string.gps), Format.point(it)) }
                c.location.address?.let { Fact(stringResource(R.string.address), it) }
                Fact(stringResource(R.string.team), c.team.joinToString(", ") { "${it.name} (${it.badge})" })
                Fact(stringResource(R.string.custody_entries), file.custodyEntries.toString())
            }
            item {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.padding(vertical = 8.dp)) {
                    Button(onClick = { onGo("people") }, Modifier.fillMaxWidth()) { Text(stringResource(R.string.people_count, file.people.size)) }
                    Button(onClick = { onGo("capture") }, Modifier.fillMaxWidth()) { Text(stringResource(R.string.capture_count, file.evidence.size)) }
                    Button(onClick = { onGo("statement") }, Modifier.fillMaxWidth()) { Text(stringResource(R.string.statements_count, file.statements.size)) }
                    Button(onClick = { onGo("check") }, Modifier.fillMaxWidth()) { Text(stringResource(R.string.check_person)) }
                    Button(onClick = { onGo("orders") }, Modifier.fillMaxWidth()) { Text(stringResource(R.string.orders_title)) }
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        OutlinedButton(onClick = { onGo("referrals") }, Modifier.weight(1f)) { Text(stringResource(R.string.referrals_title)) }
                        OutlinedButton(onClick = { onGo("interventions") }, Modifier.weight(1f)) { Text(stringResource(R.string.interventions_title)) }
                    }
                    OutlinedButton(onClick = { onGo("assessments") }, Modifier.fillMaxWidth()) { Text(stringResource(R.string.assessments_title)) }
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        OutlinedButton(onClick = { onGo("verify") }, Modifier.weight(1f)) { Text(stringResource(R.string.verify)) }
                        OutlinedButton(onClick = { onGo("export") }, Modifier.weight(1f)) { Text(stringResource(R.string.export)) }
                    }
                }
            }
            if (file.evidence.isNotEmpty()) item { SectionTitle(stringResource(R.string.evidence)) }
            items(file.evidence, key = { it.id }) { e -> EvidenceRow(e, model) }
        }
    }
}

@Composable
private fun EvidenceRow(e: Evidence, model: CaseOverviewModel) {
    val thumb by produceState<ImageBitmap?>(null, e.id) {
        value = model.thumbnail(e.id)?.let { bytes ->
            withContext(Dispatchers.Default) { BitmapFactory.decodeByteArray(bytes, 0, bytes.size)?.asImageBitmap() }
        }
    }
    Card(Modifier.fillMaxWidth()) {
        Row(Modifier.padding(8.dp), verticalAlignment = Alignment.CenterVertically) {
            thumb?.let { Image(it, contentDescription = null, modifier = Modifier.size(64.dp)) }
            Spacer(Modifier.width(8.dp))
            Column {
                Text("${stringResource(e.kind.label())} · ${Format.bytes(e.sizeBytes.toLong())}", style = MaterialTheme.typography.bodyMedium)
                Text(Format.deviceTime(e.capturedAt), style = MaterialTheme.typography.bodySmall)
                Text("SHA-256 ${Format.shortHash(e.sha256)}…", style = MaterialTheme.typography.bodySmall)
                EvidenceMarks(e)
            }
        }
    }
}
