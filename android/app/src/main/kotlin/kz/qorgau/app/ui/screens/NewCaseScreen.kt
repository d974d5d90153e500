package kz.qorgau.app.ui.screens

import android.Manifest
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.painterResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.model.Format
import kz.qorgau.app.model.NewCaseModel
import kz.qorgau.app.ui.Chips
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.SectionTitle
import kz.qorgau.app.ui.label
import kz.qorgau.ffi.CaseCategory
import kz.qorgau.ffi.GeoPoint
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.Trigger
import kz.qorgau.ffi.Uuid

/** Opening a case at the scene. */
@Composable
fun NewCaseScreen(model: NewCaseModel, onBack: () -> Unit, onOpened: (Uuid) -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(s.opened) { s.opened?.let(onOpened) }
    // Location is optional: without permission the officer types the address.
    val askLocation = rememberLauncherForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) {
        model.useCurrentLocation()
    }

    QScreen(title = stringResource(R.string.new_case), onBack = onBack) { mod ->
        Column(
            mod.padding(16.dp).verticalScroll(rememberScrollState()),
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            SectionTitle(stringResource(R.string.trigger))
            Chips(Trigger.entries, { it == s.form.trigger }, { stringResource(it.label()) }, model::setTrigger)

            SectionTitle(stringResource(R.string.categories))
            Chips(CaseCategory.entries, { it in s.form.categories }, { stringResource(it.label()) }, model::toggleCategory)

            SectionTitle(stringResource(R.string.place))
            val lat = s.form.lat
            val lon = s.form.lon
            if (lat != null && lon != null) {
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Text(Format.point(GeoPoint(lat, lon, s.form.accuracyM ?: 0.0)), modifier = Modifier.weight(1f))
                    IconButton(onClick = model::clearLocation) {
                        Icon(painterResource(R.drawable.ic_close), contentDescription = stringResource(R.string.remove))
                    }
                }
            }
            OutlinedButton(
                onClick = {
                    askLocation.launch(arrayOf(Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION))
                },
                enabled = !s.locating,
            ) { Text(stringResource(if (s.locating) R.string.locating else R.string.use_my_location)) }
            if (s.noFix) Text(stringResource(R.string.no_location_fix), style = MaterialTheme.typography.bodySmall)
            OutlinedTextField(
                s.form.address, model::setAddress,
                label = { Text(stringResource(R.string.address)) },
                modifier = Modifier.fillMaxWidth(),
            )
            if (!s.hasPlace) Text(stringResource(R.string.place_required), style = MaterialTheme.typography.bodySmall)

            SectionTitle(stringResource(R.string.team))
            s.form.team.forEachIndexed { i, m ->
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Text("${stringResource(m.role.label())}: ${m.name} (${m.badge})", modifier = Modifier.weight(1f))
                    IconButton(onClick = { model.removeMember(i) }) {
                        Icon(painterResource(R.drawable.ic_close), contentDescription = stringResource(R.string.remove))
                    }
                }
            }
            AddTeamMember(onAdd = model::addMember)

            SectionTitle(stringResource(R.string.summary))
            OutlinedTextField(
                s.form.summary, model::setSummary,
                label = { Text(stringResource(R.string.summary_hint)) },
                minLines = 2,
                modifier = Modifier.fillMaxWidth(),
            )

            s.error?.let { ErrorCard(it) }
            Button(onClick = model::save, enabled = s.canSave, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(if (s.saving) R.string.saving else R.string.open_case))
            }
        }
    }
}

@Composable
private fun AddTeamMember(onAdd: (TeamRole, String, String) -> Unit) {
    var role by rememberSaveable { mutableStateOf(TeamRole.PSYCHOLOGIST) }
    var name by rememberSaveable { mutableStateOf("") }
    var badge by rememberSaveable { mutableStateOf("") }
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Chips(TeamRole.entries, { it == role }, { stringResource(it.label()) }, { role = it })
        OutlinedTextField(name, { name = it }, label = { Text(stringResource(R.string.member_name)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
        OutlinedTextField(badge, { badge = it }, label = { Text(stringResource(R.string.badge_number)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
        OutlinedButton(
            onClick = { onAdd(role, name, badge); name = ""; badge = "" },
            enabled = name.isNotBlank() && badge.isNotBlank(),
        ) { Text(stringResource(R.string.add_member)) }
    }
}
