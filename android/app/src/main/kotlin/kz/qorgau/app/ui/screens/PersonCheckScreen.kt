package kz.qorgau.app.ui.screens

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
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.model.ActiveOrderView
import kz.qorgau.app.model.CheckBy
import kz.qorgau.app.model.Format
import kz.qorgau.app.model.PersonCheckModel
import kz.qorgau.app.model.StationKeyModel
import kz.qorgau.app.ui.Chips
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.Fact
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.SectionTitle
import kz.qorgau.app.ui.errorText
import kz.qorgau.app.ui.label
import java.time.Duration
import java.time.Instant

/**
 * Check a person at the scene, offline: by IIN, or by name and date of birth with an explicit
 * "same person?" step. Orders in force with their prohibitions, violations, earlier cases and
 * the REPEAT OFFENDER banner. [initialIin]: from a verified QR code. [stationKey]: the registry
 * brought by hand, at the bottom (from the case list only).
 */
@Composable
fun PersonCheckScreen(model: PersonCheckModel, onBack: () -> Unit, initialIin: String? = null, stationKey: StationKeyModel? = null) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) {
        model.refresh()
        // From a verified QR code: the IIN it carries, checked at once.
        if (initialIin != null && model.state.value.iin.isEmpty()) {
            model.setIin(initialIin)
            model.check()
        }
    }

    QScreen(title = stringResource(R.string.check_title), onBack = onBack) { mod ->
        Column(mod.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            if (s.people.isNotEmpty()) {
                SectionTitle(stringResource(R.string.check_from_case))
                Chips(s.people, { false }, { "${it.fullName} (${stringResource(it.role.label())})" }, model::fillFrom)
            }
            Chips(CheckBy.entries, { it == s.by }, {
                stringResource(if (it == CheckBy.IIN) R.string.check_by_iin else R.string.check_by_name)
            }, model::setBy)
            when (s.by) {
                CheckBy.IIN -> OutlinedTextField(
                    s.iin, model::setIin,
                    label = { Text(stringResource(R.string.iin)) },
                    isError = s.iinProblem != null,
                    supportingText = { s.iinProblem?.let { Text(errorText(it)) } },
                    keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
                    singleLine = true, modifier = Modifier.fillMaxWidth(),
                )
                CheckBy.NAME_AND_BIRTH_DATE -> {
                    OutlinedTextField(s.name, model::setName, label = { Text(stringResource(R.string.full_name)) },
                        singleLine = true, modifier = Modifier.fillMaxWidth())
                    OutlinedTextField(
                        s.dateOfBirth, model::setDateOfBirth,
                        label = { Text(stringResource(R.string.date_of_birth)) },
                        supportingText = { Text(stringResource(R.string.date_hint)) },
                        isError = s.dateOfBirth.isNotBlank() && !s.dateOfBirthValid,
                        singleLine = true, modifier = Modifier.fillMaxWidth(),
                    )
                }
            }
            Button(onClick = model::check, enabled = s.canCheck, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(if (s.checking) R.string.checking else R.string.check_person))
            }
            if (s.checking) LinearProgressIndicator(Modifier.fillMaxWidth())
            s.error?.let { ErrorCard(it) }

            val r = s.result
            if (r != null) {
                if (s.needsConfirmation) {
                    ConfirmMatch(r.displayName.orEmpty(), s.birthDate ?: s.dateOfBirth, onYes = { model.confirmSamePerson(true) }, onNo = { model.confirmSamePerson(false) })
                }
                if (s.repeatOffender) RepeatOffenderBanner(r.pastViolations.toInt(), r.earlierCases.toInt())
                if (s.noRecord) {
                    Card(Modifier.fillMaxWidth()) {
                        Column(Modifier.padding(12.dp)) {
                            Text(stringResource(R.string.no_record), style = MaterialTheme.typography.titleMedium)
                            Text(stringResource(R.string.no_record_note), style = MaterialTheme.typography.bodySmall)
                        }
                    }
                }
                if (!s.needsConfirmation) s.birthDate?.let { Fact(stringResource(R.string.date_of_birth), it) }
                if (s.showRecord) {
                    r.displayName?.let { Fact(stringResource(R.string.registry_name), it) }
                    Fact(stringResource(R.string.past_violations), r.pastViolations.toString())
                    Fact(stringResource(R.string.earlier_cases), r.earlierCases.toString())
                    SectionTitle(stringResource(R.string.orders_in_force, s.orders.size))
                    if (s.orders.isEmpty()) Text(stringResource(R.string.no_orders_in_force))
                    s.orders.forEach { ActiveOrderCard(it) }
                }
                Text(
                    if (r.registrySequence == 0uL) stringResource(R.string.registry_none)
                    else stringResource(R.string.registry_sequence, r.registrySequence.toLong()),
                    style = MaterialTheme.typography.bodySmall,
                )
                RegistryFreshness(s.registryMadeAt, s.registryAge(Instant.now()))
            }
            stationKey?.let { RegistryByHand(it) }
        }
    }
}

/**
 * How fresh the answer is: when the station made the registry, and how long ago (days, or
 * hours within the first day). Nothing when there is no registry on the phone (said above).
 */
@Composable
private fun RegistryFreshness(madeAt: Instant?, age: Duration?) {
    if (madeAt == null || age == null) return
    val ago = if (age.toDays() >= 1) stringResource(R.string.registry_age_days, age.toDays())
    else stringResource(R.string.registry_age_hours, age.toHours())
    Text(stringResource(R.string.registry_made_at, Format.instant(madeAt), ago), style = MaterialTheme.typography.bodySmall)
}

/** Big, red, first on the screen: a new offence is a repeat offence. */
@Composable
private fun RepeatOffenderBanner(violations: Int, earlierCases: Int) {
    Card(
        Modifier.fillMaxWidth(),
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.error, contentColor = MaterialTheme.colorScheme.onError),
    ) {
        Column(Modifier.padding(16.dp)) {
            Text(
                stringResource(R.string.repeat_offender),
                style = MaterialTheme.typography.headlineMedium, fontWeight = FontWeight.Bold,
                modifier = Modifier.semantics { heading() },
            )
            Text(stringResource(R.string.repeat_offender_detail, violations, earlierCases), style = MaterialTheme.typography.bodyMedium)
        }
    }
}

/** A name + date-of-birth match: the officer compares with the person's documents first. */
@Composable
private fun ConfirmMatch(registryName: String, dateOfBirth: String, onYes: () -> Unit, onNo: () -> Unit) {
    Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.tertiaryContainer)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(stringResource(R.string.confirm_match_title), style = MaterialTheme.typography.titleMedium)
            Text(stringResource(R.string.confirm_match_text, registryName, dateOfBirth))
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(onClick = onYes, modifier = Modifier.weight(1f)) { Text(stringResource(R.string.same_person)) }
                OutlinedButton(onClick = onNo, modifier = Modifier.weight(1f)) { Text(stringResource(R.string.not_same_person)) }
            }
        }
    }
}

@Composable
fun ActiveOrderCard(o: ActiveOrderView) {
    Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            Text(o.number, style = MaterialTheme.typography.titleSmall)
            Text(stringResource(R.string.valid_from_until, Format.instant(o.validFrom), Format.instant(o.validUntil)), style = MaterialTheme.typography.bodySmall)
            Text(stringResource(o.source.label()), style = MaterialTheme.typography.bodySmall)
            Text(stringResource(R.string.prohibited), style = MaterialTheme.typography.labelLarge)
            o.prohibitions.forEach { Text("• $it") }
        }
    }
}
