package kz.qorgau.app.ui.screens

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.painterResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.model.DueRow
import kz.qorgau.app.model.DueThisWeekModel
import kz.qorgau.app.model.Format
import kz.qorgau.app.model.InterventionsModel
import kz.qorgau.app.model.ReferralsModel
import kz.qorgau.app.model.nextStatuses
import kz.qorgau.app.model.open
import kz.qorgau.app.ui.Chips
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.LabeledSwitch
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.SectionTitle
import kz.qorgau.app.ui.label
import kz.qorgau.ffi.DueReason
import kz.qorgau.ffi.InterventionKind
import kz.qorgau.ffi.ReferralChange
import kz.qorgau.ffi.ReferralKind
import kz.qorgau.ffi.ReferralState
import kz.qorgau.ffi.Uuid

// ---- referrals -------------------------------------------------------------------------------

/** Referrals with consent: made, moved on, or closed by a withdrawal of consent. */
@Composable
fun ReferralsScreen(model: ReferralsModel, onBack: () -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refresh() }
    val f = s.form
    var withdrawing by remember { mutableStateOf<Uuid?>(null) }

    QScreen(title = stringResource(R.string.referrals_title), onBack = onBack) { mod ->
        LazyColumn(mod, contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            if (!s.loading && s.referrals.isEmpty()) item { Text(stringResource(R.string.no_referrals)) }
            items(s.referrals, key = { it.referral.id }) { r ->
                ReferralCard(r, s.nameOf(r.referral.personId), busy = s.busyId == r.referral.id,
                    onStatus = { st -> model.setStatus(r.referral.id, st) }, onWithdraw = { withdrawing = r.referral.id })
            }
            item { HorizontalDivider(Modifier.padding(vertical = 8.dp)) }
            item {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    SectionTitle(stringResource(R.string.new_referral))
                    Chips(s.people, { it.id == f.personId }, { "${it.fullName} (${stringResource(it.role.label())})" }, { p -> model.update { it.copy(personId = p.id) } })
                    Chips(ReferralKind.entries, { it == f.kind }, { stringResource(it.label()) }, { k -> model.update { it.copy(kind = k) } })
                    OutlinedTextField(f.organisation, { v -> model.update { it.copy(organisation = v) } },
                        label = { Text(stringResource(R.string.organisation)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
                    if (f.childrenAllowed) {
                        OutlinedTextField(
                            if (f.childrenPlaced == 0) "" else f.childrenPlaced.toString(),
                            { v -> model.update { it.copy(childrenPlaced = v.filter(Char::isDigit).take(2).toIntOrNull() ?: 0) } },
                            label = { Text(stringResource(R.string.children_placed)) },
                            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
                            singleLine = true, modifier = Modifier.fillMaxWidth(),
                        )
                    }
                    OutlinedTextField(f.note, { v -> model.update { it.copy(note = v) } },
                        label = { Text(stringResource(R.string.note_optional)) }, modifier = Modifier.fillMaxWidth())
                    LabeledSwitch(
                        label = stringResource(R.string.referral_consent),
                        checked = f.consentGiven,
                        onChange = { v -> model.update { it.copy(consentGiven = v) } },
                        note = stringResource(R.string.referral_consent_note),
                    )
                    s.error?.let { ErrorCard(it) }
                    Button(onClick = model::save, enabled = s.canSave, modifier = Modifier.fillMaxWidth()) {
                        Text(stringResource(if (s.saving) R.string.saving else R.string.make_referral))
                    }
                }
            }
        }
    }

    withdrawing?.let { id ->
        var reason by remember(id) { mutableStateOf("") }
        AlertDialog(
            onDismissRequest = { withdrawing = null },
            title = { Text(stringResource(R.string.withdraw_consent)) },
            text = {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(stringResource(R.string.withdraw_consent_text))
                    OutlinedTextField(reason, { reason = it }, label = { Text(stringResource(R.string.reason_optional)) })
                }
            },
            confirmButton = {
                TextButton(onClick = { model.withdrawConsent(id, reason); withdrawing = null },
                    colors = ButtonDefaults.textButtonColors(contentColor = MaterialTheme.colorScheme.error)) { Text(stringResource(R.string.withdraw_consent)) }
            },
            dismissButton = { TextButton(onClick = { withdrawing = null }) { Text(stringResource(R.string.keep)) } },
        )
    }
}

@Composable
private fun ReferralCard(r: ReferralState, person: String, busy: Boolean, onStatus: (kz.qorgau.ffi.ReferralStatus) -> Unit, onWithdraw: () -> Unit) {
    Card(
        Modifier.fillMaxWidth(),
        colors = if (r.open) CardDefaults.cardColors() else CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.surfaceVariant),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text("${stringResource(r.referral.kind.label())} · ${r.referral.organisation}", style = MaterialTheme.typography.titleSmall)
            Text("$person · ${stringResource(r.status.label())}")
            if (r.referral.childrenPlaced > 0u) Text(stringResource(R.string.children_placed_n, r.referral.childrenPlaced.toInt()), style = MaterialTheme.typography.bodySmall)
            Text(stringResource(R.string.consent_given_at, Format.deviceTime(r.referral.consentGivenAt)), style = MaterialTheme.typography.bodySmall)
            if (!r.consentActive) Text(stringResource(R.string.consent_withdrawn), color = MaterialTheme.colorScheme.error)
            r.updates.forEach { u ->
                val what = when (val c = u.change) {
                    is ReferralChange.Status -> stringResource(c.status.label()) + (c.note?.let { " — $it" } ?: "")
                    is ReferralChange.ConsentWithdrawn -> stringResource(R.string.consent_withdrawn) + (c.reason?.let { " — $it" } ?: "")
                }
                Text("${Format.deviceTime(u.at)} · ${u.by} · $what", style = MaterialTheme.typography.bodySmall)
            }
            if (r.open) {
                Chips(r.nextStatuses(), { false }, { stringResource(it.label()) }, onStatus, enabled = !busy)
                OutlinedButton(onClick = onWithdraw, enabled = !busy, colors = ButtonDefaults.outlinedButtonColors(contentColor = MaterialTheme.colorScheme.error)) {
                    Text(stringResource(R.string.withdraw_consent))
                }
            }
        }
    }
}

// ---- interventions ---------------------------------------------------------------------------

@Composable
fun InterventionsScreen(model: InterventionsModel, onBack: () -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refresh() }
    val f = s.form

    QScreen(title = stringResource(R.string.interventions_title), onBack = onBack) { mod ->
        LazyColumn(mod, contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            if (!s.loading && s.interventions.isEmpty()) item { Text(stringResource(R.string.no_interventions)) }
            items(s.interventions, key = { it.id }) { i ->
                Card(Modifier.fillMaxWidth()) {
                    Column(Modifier.padding(12.dp)) {
                        Text("${i.date} · ${stringResource(i.kind.label())}", style = MaterialTheme.typography.titleSmall)
                        Text(s.nameOf(i.personId))
                        Text(i.outcome, style = MaterialTheme.typography.bodySmall)
                        i.nextCheck?.let { Text(stringResource(R.string.next_check_on, it), style = MaterialTheme.typography.bodySmall) }
                        Text(i.officer, style = MaterialTheme.typography.bodySmall)
                    }
                }
            }
            item { HorizontalDivider(Modifier.padding(vertical = 8.dp)) }
            item {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    SectionTitle(stringResource(R.string.new_intervention))
                    Chips(s.people, { it.id == f.personId }, { "${it.fullName} (${stringResource(it.role.label())})" }, { p -> model.update { it.copy(personId = p.id) } })
                    Chips(InterventionKind.entries, { it == f.kind }, { stringResource(it.label()) }, { k -> model.update { it.copy(kind = k) } })
                    OutlinedTextField(f.date, { v -> model.update { it.copy(date = v) } }, label = { Text(stringResource(R.string.date)) },
                        supportingText = { Text(stringResource(R.string.date_hint)) }, isError = !f.dateValid, singleLine = true, modifier = Modifier.fillMaxWidth())
                    OutlinedTextField(f.outcome, { v -> model.update { it.copy(outcome = v) } }, label = { Text(stringResource(R.string.outcome)) },
                        minLines = 2, modifier = Modifier.fillMaxWidth())
                    OutlinedTextField(f.nextCheck, { v -> model.update { it.copy(nextCheck = v) } }, label = { Text(stringResource(R.string.next_check)) },
                        supportingText = { Text(stringResource(R.string.next_check_hint)) }, isError = !f.nextCheckValid, singleLine = true, modifier = Modifier.fillMaxWidth())
                    s.error?.let { ErrorCard(it) }
                    Button(onClick = model::save, enabled = s.canSave, modifier = Modifier.fillMaxWidth()) {
                        Text(stringResource(if (s.saving) R.string.saving else R.string.record_intervention))
                    }
                }
            }
        }
    }
}

// ---- due this week ---------------------------------------------------------------------------

/** What is due in the 7 days from today on every case of the phone; overdue first. */
@Composable
fun DueScreen(model: DueThisWeekModel, onBack: () -> Unit, onOpenCase: (Uuid) -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refresh() }
    QScreen(
        title = stringResource(R.string.due_title),
        onBack = onBack,
        actions = {
            IconButton(onClick = model::refresh) { Icon(painterResource(R.drawable.ic_refresh), contentDescription = stringResource(R.string.refresh)) }
        },
    ) { mod ->
        LazyColumn(mod, contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            item { Text(stringResource(R.string.due_from, s.from.toString(), s.from.plusDays(6).toString()), style = MaterialTheme.typography.bodyMedium) }
            s.error?.let { e -> item { ErrorCard(e) } }
            if (!s.loading && s.rows.isEmpty()) item { Text(stringResource(R.string.nothing_due)) }
            if (s.overdue.isNotEmpty()) item { SectionTitle(stringResource(R.string.overdue)) }
            items(s.overdue, key = { "o" + it.item.caseId + it.item.personId + it.item.due + it.item.reason.hashCode() }) { DueCard(it, onOpenCase) }
            if (s.thisWeek.isNotEmpty()) item { SectionTitle(stringResource(R.string.this_week)) }
            items(s.thisWeek, key = { "w" + it.item.caseId + it.item.personId + it.item.due + it.item.reason.hashCode() }) { DueCard(it, onOpenCase) }
        }
    }
}

@Composable
private fun DueCard(row: DueRow, onOpenCase: (Uuid) -> Unit) {
    val item = row.item
    Card(
        Modifier.fillMaxWidth().clickable { onOpenCase(item.caseId) },
        colors = if (item.overdue) CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer) else CardDefaults.cardColors(),
    ) {
        Row(Modifier.padding(12.dp), verticalAlignment = Alignment.CenterVertically) {
            Column(Modifier.weight(1f)) {
                Text("${item.due} · ${row.personName}", style = MaterialTheme.typography.titleSmall)
                Text(
                    when (val r = item.reason) {
                        is DueReason.InterventionFollowUp -> stringResource(R.string.due_follow_up)
                        is DueReason.OrderCheck -> stringResource(R.string.due_order_check, r.orderNumber)
                    },
                    style = MaterialTheme.typography.bodySmall,
                )
            }
        }
    }
}
