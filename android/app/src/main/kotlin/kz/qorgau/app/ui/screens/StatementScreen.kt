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
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.model.Format
import kz.qorgau.app.model.StatementModel
import kz.qorgau.app.ui.Chips
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.LabeledSwitch
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.SectionTitle
import kz.qorgau.app.ui.label
import kz.qorgau.ffi.Language

/**
 * A statement in Kazakh, Russian or English with the person's consent to sharing, or the
 * record that the person declined to give one. Recorded statements are never edited.
 */
@Composable
fun StatementScreen(model: StatementModel, onBack: () -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refresh() }

    QScreen(title = stringResource(R.string.statement_title), onBack = onBack) { mod ->
        Column(mod.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            if (s.people.isEmpty() && !s.loading) {
                Text(stringResource(R.string.statement_needs_person))
                return@Column
            }
            SectionTitle(stringResource(R.string.statement_person))
            Chips(s.people, { it.id == s.personId }, { "${it.fullName} (${stringResource(it.role.label())})" }, { p ->
                model.update { it.copy(personId = p.id) }
            })

            SectionTitle(stringResource(R.string.statement_language))
            Chips(Language.entries, { it == s.language }, { stringResource(it.label()) }, { l -> model.update { it.copy(language = l) } })

            LabeledSwitch(
                label = stringResource(R.string.refuses_statement),
                checked = s.refusing,
                onChange = { v -> model.update { it.copy(refusing = v) } },
                note = stringResource(R.string.refusal_note),
            )
            if (s.refusing) {
                OutlinedTextField(
                    s.refusalReason, { v -> model.update { it.copy(refusalReason = v) } },
                    label = { Text(stringResource(R.string.refusal_reason)) },
                    minLines = 2, modifier = Modifier.fillMaxWidth(),
                )
            } else {
                OutlinedTextField(
                    s.text, { v -> model.update { it.copy(text = v) } },
                    label = { Text(stringResource(R.string.statement_text)) },
                    minLines = 6, modifier = Modifier.fillMaxWidth(),
                )
                SectionTitle(stringResource(R.string.consent))
                LabeledSwitch(stringResource(R.string.consent_crisis_centre), s.shareWithCrisisCentre, { v -> model.update { it.copy(shareWithCrisisCentre = v) } })
                LabeledSwitch(stringResource(R.string.consent_court), s.shareWithCourt, { v -> model.update { it.copy(shareWithCourt = v) } })
            }
            s.error?.let { ErrorCard(it) }
            Button(onClick = model::save, enabled = s.canSave, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(when {
                    s.saving -> R.string.saving
                    s.refusing -> R.string.record_refusal
                    else -> R.string.record_statement
                }))
            }
            s.recorded?.let { Text(stringResource(R.string.statement_recorded, it.version.toInt()), color = MaterialTheme.colorScheme.primary) }

            if (s.statements.isNotEmpty()) SectionTitle(stringResource(R.string.statements_on_case))
            s.statements.forEach { st ->
                val who = s.people.firstOrNull { it.id == st.personId }?.fullName.orEmpty()
                Text(
                    "${Format.deviceTime(st.takenAt)} · $who · ${stringResource(st.kind.label())} · ${stringResource(st.language.label())} · v${st.version}",
                    style = MaterialTheme.typography.bodySmall,
                )
            }
        }
    }
}
