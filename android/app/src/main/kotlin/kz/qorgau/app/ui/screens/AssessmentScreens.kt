package kz.qorgau.app.ui.screens

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxHeight
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.painterResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.compose.LifecycleEventEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.model.AssessmentFormModel
import kz.qorgau.app.model.AssessmentRow
import kz.qorgau.app.model.AssessmentsModel
import kz.qorgau.app.model.Format
import kz.qorgau.app.model.TrendRow
import kz.qorgau.app.ui.Busy
import kz.qorgau.app.ui.Chips
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.Fact
import kz.qorgau.app.ui.LabeledSwitch
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.SectionTitle
import kz.qorgau.app.ui.label
import kz.qorgau.ffi.Recommendations

// ---- the form (psychologists; the core decides) ----------------------------------------------

@Composable
fun AssessmentFormScreen(model: AssessmentFormModel, onBack: () -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refresh() }

    QScreen(title = stringResource(R.string.assessment_new), onBack = onBack) { mod ->
        if (s.loading) {
            Busy(stringResource(R.string.loading))
            return@QScreen
        }
        LazyColumn(mod, contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            if (s.psychologistsOnlyNote) item {
                Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.tertiaryContainer)) {
                    Text(stringResource(R.string.assessment_psychologists_note), modifier = Modifier.padding(12.dp))
                }
            }
            item {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    SectionTitle(stringResource(R.string.instrument))
                    Chips(s.instruments, { (it.id to it.version) == s.instrumentKey }, { "${it.id} ${it.version}" }, { model.chooseInstrument(it.id, it.version) })
                    Text(s.title, style = MaterialTheme.typography.titleSmall)
                    s.instrument?.let { i ->
                        Text(i.source, style = MaterialTheme.typography.bodySmall)
                        if (!i.validated) Text(stringResource(R.string.instrument_not_validated), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall)
                    }
                    SectionTitle(stringResource(R.string.survivor))
                    if (s.survivors.isEmpty()) Text(stringResource(R.string.assessment_needs_survivor))
                    Chips(s.survivors, { it.id == s.survivorId }, { it.fullName }, { p -> model.update { it.copy(survivorId = p.id) } })
                    SectionTitle(stringResource(R.string.assessment_items, s.items.size - s.unanswered, s.items.size))
                }
            }
            // The score so far, kept in view while the questions scroll by.
            val preview = s.preview
            if (preview != null && s.recorded == null) stickyHeader(key = "score-preview") { _ -> ScorePreviewBar(preview.score.toInt(), s.previewLevel, s.questionsLeft ?: 0) }
            items(s.items, key = { it.id }) { item ->
                Card(Modifier.fillMaxWidth()) {
                    Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                        Text(item.text + if (item.weight > 1) " (${item.weight})" else "")
                        Chips(s.answerOptions, { s.answers[item.id] == it }, { stringResource(it.label()) }, { a -> model.answer(item.id, a) })
                    }
                }
            }
            if (s.hasCalendar) item {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    SectionTitle(stringResource(R.string.incident_calendar))
                    Text(stringResource(R.string.incident_calendar_note, s.maxSeverity), style = MaterialTheme.typography.bodySmall)
                    s.calendar.forEachIndexed { i, e ->
                        Row(verticalAlignment = Alignment.CenterVertically) {
                            Text(stringResource(R.string.incident_line, e.date, e.severity.toInt()), modifier = Modifier.weight(1f))
                            TextButton(onClick = { model.removeIncident(i) }) { Text(stringResource(R.string.remove)) }
                        }
                    }
                    OutlinedTextField(s.calendarDate, { v -> model.update { it.copy(calendarDate = v) } }, label = { Text(stringResource(R.string.date)) },
                        supportingText = { Text(stringResource(R.string.date_hint)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
                    Chips((1..s.maxSeverity).toList(), { it == s.calendarSeverity }, { stringResource(R.string.severity_n, it) }, { v -> model.update { it.copy(calendarSeverity = v) } })
                    OutlinedButton(onClick = model::addIncident, enabled = Format.parseDate(s.calendarDate) != null) { Text(stringResource(R.string.add_incident)) }
                }
            }
            item {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    SectionTitle(stringResource(R.string.override_level))
                    Text(stringResource(R.string.override_note), style = MaterialTheme.typography.bodySmall)
                    Chips(listOf<String?>(null) + s.levels.map { it.level }, { it == s.overrideLevel }, { l ->
                        if (l == null) stringResource(R.string.no_override) else s.levels.first { it.level == l }.label
                    }, { l -> model.update { it.copy(overrideLevel = l) } })
                    if (s.overrideLevel != null) {
                        OutlinedTextField(s.overrideReason, { v -> model.update { it.copy(overrideReason = v) } },
                            label = { Text(stringResource(R.string.override_reason)) }, minLines = 2, modifier = Modifier.fillMaxWidth())
                    }
                    SectionTitle(stringResource(R.string.recommendations))
                    LabeledSwitch(stringResource(R.string.rec_protection_order), s.protectionOrder, { v -> model.update { it.copy(protectionOrder = v) } })
                    LabeledSwitch(stringResource(R.string.rec_shelter), s.shelter, { v -> model.update { it.copy(shelter = v) } })
                    LabeledSwitch(stringResource(R.string.rec_arrest_request), s.arrestRequest, { v -> model.update { it.copy(arrestRequest = v) } })
                    OutlinedTextField(s.followUp, { v -> model.update { it.copy(followUp = v) } }, label = { Text(stringResource(R.string.rec_follow_up)) },
                        supportingText = { Text(stringResource(R.string.date_hint)) }, isError = !s.followUpValid, singleLine = true, modifier = Modifier.fillMaxWidth())
                    SectionTitle(stringResource(R.string.clinical_notes))
                    Text(stringResource(R.string.clinical_notes_note), style = MaterialTheme.typography.bodySmall)
                    OutlinedTextField(s.notes, { v -> model.update { it.copy(notes = v) } }, minLines = 4, modifier = Modifier.fillMaxWidth())
                    s.error?.let { ErrorCard(it) }
                    if (s.error?.denied == true) PsychologistsOnly()
                    Button(onClick = model::save, enabled = s.canSave, modifier = Modifier.fillMaxWidth()) {
                        Text(stringResource(if (s.saving) R.string.saving else R.string.record_assessment))
                    }
                    s.recorded?.let { a ->
                        Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.primaryContainer)) {
                            Column(Modifier.padding(12.dp)) {
                                Text(stringResource(R.string.assessment_recorded), style = MaterialTheme.typography.titleSmall)
                                Fact(stringResource(R.string.level), s.recordedLevel)
                                Fact(stringResource(R.string.score), a.score.toString())
                            }
                        }
                    }
                }
            }
        }
    }
}

/** The live preview: score and level so far, and how many questions are left (they count as "no" until answered). */
@Composable
private fun ScorePreviewBar(score: Int, level: String, questionsLeft: Int) {
    Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.secondaryContainer)) {
        Column(Modifier.padding(12.dp)) {
            Text(stringResource(R.string.assessment_preview, score, level), style = MaterialTheme.typography.titleSmall)
            Text(
                if (questionsLeft > 0) stringResource(R.string.assessment_questions_left, questionsLeft) else stringResource(R.string.assessment_all_answered),
                style = MaterialTheme.typography.bodySmall,
            )
        }
    }
}

/** The core refused the clinical part to this role: said plainly, with who can read it. */
@Composable
private fun PsychologistsOnly() {
    Card(Modifier.fillMaxWidth(), colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer)) {
        Column(Modifier.padding(12.dp)) {
            Text(stringResource(R.string.psychologists_only), style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.Bold)
            Text(stringResource(R.string.psychologists_only_text), style = MaterialTheme.typography.bodySmall)
        }
    }
}

// ---- what every role sees --------------------------------------------------------------------

@Composable
fun AssessmentsScreen(model: AssessmentsModel, onBack: () -> Unit, onNew: () -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LifecycleEventEffect(Lifecycle.Event.ON_RESUME) { model.refresh() }

    QScreen(
        title = stringResource(R.string.assessments_title),
        onBack = onBack,
        floating = {
            ExtendedFloatingActionButton(
                onClick = onNew,
                icon = { Icon(painterResource(R.drawable.ic_add), contentDescription = null) },
                text = { Text(stringResource(R.string.assessment_new)) },
            )
        },
    ) { mod ->
        LazyColumn(mod, contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            s.error?.let { e -> item { ErrorCard(e) } }
            if (!s.loading && s.rows.isEmpty()) item { Text(stringResource(R.string.no_assessments)) }
            items(s.rows, key = { it.summary.id }) { row ->
                AssessmentCard(row, open = s.detailFor == row.summary.id, onDetail = { model.showDetail(row.summary.id) }, onHide = model::hideDetail)
                if (s.detailFor == row.summary.id) {
                    s.detailRefused?.let {
                        Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                            PsychologistsOnly()
                            ErrorCard(it)
                        }
                    }
                    s.detail?.let { d ->
                        Card(Modifier.fillMaxWidth()) {
                            Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                                Text(stringResource(R.string.clinical_part), style = MaterialTheme.typography.titleSmall)
                                d.answers.forEach { (text, a) -> Text("${stringResource(a.label())} — $text", style = MaterialTheme.typography.bodySmall) }
                                d.detail.clinical.calendar.forEach { e -> Text(stringResource(R.string.incident_line, e.date, e.severity.toInt()), style = MaterialTheme.typography.bodySmall) }
                                d.detail.clinical.overrideReason?.let { Fact(stringResource(R.string.override_reason), it) }
                                Fact(stringResource(R.string.clinical_notes), d.detail.clinical.notes)
                            }
                        }
                    }
                }
            }
            if (s.survivors.isNotEmpty()) item {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    HorizontalDivider(Modifier.padding(vertical = 8.dp))
                    SectionTitle(stringResource(R.string.level_trend))
                    Chips(s.survivors, { it.id == s.trendFor }, { it.fullName }, { p -> model.showTrend(p.id) })
                    Text(stringResource(R.string.level_trend_note), style = MaterialTheme.typography.bodySmall)
                    if (s.trend.isEmpty()) Text(stringResource(R.string.no_assessments))
                    TrendBars(s.trend)
                }
            }
        }
    }
}

@Composable
private fun AssessmentCard(row: AssessmentRow, open: Boolean, onDetail: () -> Unit, onHide: () -> Unit) {
    val a = row.summary
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp)) {
            Text(stringResource(R.string.level_is, row.levelLabel), style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.Bold)
            Text("${row.instrumentTitle} · ${stringResource(R.string.score)} ${a.score}", style = MaterialTheme.typography.bodyMedium)
            if (a.overridden) Text(stringResource(R.string.level_overridden), style = MaterialTheme.typography.bodySmall)
            Text("${Format.deviceTime(a.assessedAt)} · ${a.assessedBy}", style = MaterialTheme.typography.bodySmall)
            Recommended(a.recommendations)
            if (open) TextButton(onClick = onHide) { Text(stringResource(R.string.hide)) }
            else TextButton(onClick = onDetail) { Text(stringResource(R.string.show_answers_notes)) }
        }
    }
}

@Composable
private fun Recommended(r: Recommendations) {
    val items = buildList {
        if (r.protectionOrder) add(stringResource(R.string.rec_protection_order))
        if (r.shelter) add(stringResource(R.string.rec_shelter))
        if (r.arrestRequest) add(stringResource(R.string.rec_arrest_request))
        r.followUp?.let { add(stringResource(R.string.rec_follow_up_on, it)) }
    }
    if (items.isNotEmpty()) Text(stringResource(R.string.recommended, items.joinToString("; ")), style = MaterialTheme.typography.bodySmall)
}

/** The survivor's levels over time: one bar per assessment, height by level. */
@Composable
private fun TrendBars(points: List<TrendRow>) {
    if (points.isEmpty()) return
    Row(Modifier.fillMaxWidth().height(120.dp), horizontalArrangement = Arrangement.spacedBy(6.dp), verticalAlignment = Alignment.Bottom) {
        points.forEach { p ->
            val fraction = if (p.maxRank == 0) 1f else (p.rank + 1f) / (p.maxRank + 1f)
            val colour = when {
                p.maxRank > 0 && p.rank == p.maxRank -> MaterialTheme.colorScheme.error
                p.rank > 0 -> MaterialTheme.colorScheme.tertiary
                else -> MaterialTheme.colorScheme.primary
            }
            Box(Modifier.width(28.dp).fillMaxHeight(fraction).background(colour))
        }
    }
    points.forEach { p -> Text("${p.assessedAt} · ${p.levelLabel} · ${p.score}", style = MaterialTheme.typography.bodySmall) }
}
