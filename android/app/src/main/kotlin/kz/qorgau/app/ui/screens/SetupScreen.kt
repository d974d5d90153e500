package kz.qorgau.app.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.model.SetupModel
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.QScreen

/** First start on a phone: who this device belongs to. Creates the encrypted store. */
@Composable
fun SetupScreen(model: SetupModel) {
    val s by model.state.collectAsStateWithLifecycle()
    QScreen(title = stringResource(R.string.setup_title), onBack = null) { mod ->
        Column(
            mod.padding(16.dp).verticalScroll(rememberScrollState()),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text(stringResource(R.string.setup_intro), style = MaterialTheme.typography.bodyMedium)
            OutlinedTextField(s.officerName, { v -> model.update { it.copy(officerName = v) } },
                label = { Text(stringResource(R.string.officer_name)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
            OutlinedTextField(s.badge, { v -> model.update { it.copy(badge = v) } },
                label = { Text(stringResource(R.string.badge_number)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
            OutlinedTextField(s.unit, { v -> model.update { it.copy(unit = v) } },
                label = { Text(stringResource(R.string.unit_name)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
            OutlinedTextField(s.deviceLabel, { v -> model.update { it.copy(deviceLabel = v) } },
                label = { Text(stringResource(R.string.device_label)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
            s.error?.let { ErrorCard(it) }
            Button(onClick = model::save, enabled = s.canSave, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(if (s.saving) R.string.creating_store else R.string.create_store))
            }
        }
    }
}
