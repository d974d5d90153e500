package kz.qorgau.app.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.model.PeopleModel
import kz.qorgau.app.ui.Chips
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.LabeledSwitch
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.SectionTitle
import kz.qorgau.app.ui.errorText
import kz.qorgau.app.ui.label
import kz.qorgau.ffi.Person
import kz.qorgau.ffi.PersonRole

/** Who is at the scene, and adding a person (IIN validated as it is typed). */
@Composable
fun PeopleScreen(model: PeopleModel, onBack: () -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refresh() }
    val f = s.form

    QScreen(title = stringResource(R.string.people_title), onBack = onBack) { mod ->
        LazyColumn(mod, contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            if (s.people.isEmpty() && !s.loading) item { Text(stringResource(R.string.no_people)) }
            items(s.people, key = { it.id }) { PersonRow(it) }
            item { HorizontalDivider(Modifier.padding(vertical = 8.dp)) }
            item {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    SectionTitle(stringResource(R.string.add_person))
                    Chips(PersonRole.entries, { it == f.role }, { stringResource(it.label()) }, model::setRole)
                    OutlinedTextField(f.fullName, { v -> model.update { it.copy(fullName = v) } },
                        label = { Text(stringResource(R.string.full_name)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
                    OutlinedTextField(
                        f.iin, { v -> model.update { it.copy(iin = v.filter(Char::isDigit).take(12)) } },
                        label = { Text(stringResource(R.string.iin)) },
                        isError = s.iinProblem != null,
                        supportingText = {
                            Text(s.iinProblem?.let { errorText(it) } ?: stringResource(R.string.iin_hint))
                        },
                        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
                        singleLine = true,
                        modifier = Modifier.fillMaxWidth(),
                    )
                    OutlinedTextField(f.dateOfBirth, { v -> model.update { it.copy(dateOfBirth = v) } },
                        label = { Text(stringResource(R.string.date_of_birth)) },
                        supportingText = { Text(stringResource(R.string.date_of_birth_hint)) },
                        singleLine = true, modifier = Modifier.fillMaxWidth())
                    OutlinedTextField(f.relation, { v -> model.update { it.copy(relation = v) } },
                        label = { Text(stringResource(R.string.relation_to_survivor)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
                    OutlinedTextField(f.phone, { v -> model.update { it.copy(phone = v) } },
                        label = { Text(stringResource(R.string.phone)) },
                        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Phone),
                        singleLine = true, modifier = Modifier.fillMaxWidth())
                    OutlinedTextField(f.address, { v -> model.update { it.copy(address = v) } },
                        label = { Text(stringResource(R.string.address)) }, modifier = Modifier.fillMaxWidth())
                    LabeledSwitch(
                        label = stringResource(R.string.address_confidential),
                        checked = f.addressConfidential || f.addressAlwaysConfidential,
                        onChange = { v -> model.update { it.copy(addressConfidential = v) } },
                        enabled = !f.addressAlwaysConfidential,
                        note = if (f.addressAlwaysConfidential) stringResource(R.string.address_always_confidential) else null,
                    )
                    if (s.canProtectIdentity) {
                        LabeledSwitch(
                            label = stringResource(R.string.protected_witness),
                            checked = f.identityProtected,
                            onChange = { v -> model.update { it.copy(identityProtected = v) } },
                            note = stringResource(R.string.protected_witness_note),
                        )
                    }
                    s.error?.let { ErrorCard(it) }
                    Button(onClick = model::save, enabled = s.canSave, modifier = Modifier.fillMaxWidth()) {
                        Text(stringResource(if (s.saving) R.string.saving else R.string.add_person))
                    }
                }
            }
        }
    }
}

@Composable
private fun PersonRow(p: Person) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp)) {
            Text(p.fullName, style = MaterialTheme.typography.titleSmall)
            Text(stringResource(p.role.label()), style = MaterialTheme.typography.bodyMedium)
            p.dateOfBirth?.let { Text(stringResource(R.string.born_on, it), style = MaterialTheme.typography.bodySmall) }
            if (p.iin != null) Text(stringResource(R.string.iin_recorded), style = MaterialTheme.typography.bodySmall)
            if (p.identityProtected) Text(stringResource(R.string.protected_witness), style = MaterialTheme.typography.bodySmall)
            if (p.addressConfidential) Text(stringResource(R.string.address_confidential), style = MaterialTheme.typography.bodySmall)
        }
    }
}
