package kz.qorgau.app.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kz.qorgau.app.data.AssessmentRepository
import kz.qorgau.app.data.CaseRepository
import kz.qorgau.app.data.Outcome
import kz.qorgau.app.data.UiError
import kz.qorgau.app.data.attempt
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.Answer
import kz.qorgau.ffi.AssessmentDetail
import kz.qorgau.ffi.AssessmentSummary
import kz.qorgau.ffi.CalendarEntry
import kz.qorgau.ffi.Instrument
import kz.qorgau.ffi.InstrumentKind
import kz.qorgau.ffi.NewAssessment
import kz.qorgau.ffi.Person
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.Recommendations
import kz.qorgau.ffi.ScorePreview
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.Uuid

/** An item of the instrument as shown: its text in the UI language. */
data class ItemView(val id: String, val text: String, val weight: Int, val required: Boolean)

/** A level of the instrument as shown. */
data class LevelView(val level: String, val label: String, val minScore: Int)

data class AssessmentFormState(
    val loading: Boolean = true,
    val instruments: List<Instrument> = emptyList(),
    /** id + version of the instrument chosen. */
    val instrumentKey: Pair<String, String>? = null,
    val title: String = "",
    val items: List<ItemView> = emptyList(),
    val levels: List<LevelView> = emptyList(),
    val survivors: List<Person> = emptyList(),
    val survivorId: Uuid? = null,
    val answers: Map<String, Answer> = emptyMap(),
    /** Weighted instruments: incidents by date and severity. */
    val calendar: List<CalendarEntry> = emptyList(),
    val calendarDate: String = "",
    val calendarSeverity: Int = 1,
    /** Professional judgement: a higher level than the score gives, with a written reason. */
    val overrideLevel: String? = null,
    val overrideReason: String = "",
    val protectionOrder: Boolean = false,
    val shelter: Boolean = false,
    val arrestRequest: Boolean = false,
    /** YYYY-MM-DD or empty. */
    val followUp: String = "",
    val notes: String = "",
    /** The signed-in role (a note for non-psychologists; the core decides). */
    val role: TeamRole? = null,
    val saving: Boolean = false,
    val error: UiError? = null,
    val recorded: AssessmentSummary? = null,
    /** The recorded level in the UI language. */
    val recordedLevel: String = "",
    /**
     * The core's score so far of the answers and incidents entered (unanswered items count as
     * "no"), recomputed as the form changes; null before the first answer is scored, after the
     * recording, or while the core refuses what is entered.
     */
    val preview: ScorePreview? = null,
    /** The preview's level in the UI language (the instrument's band label). */
    val previewLevel: String = "",
) {
    val instrument: Instrument? get() = instrumentKey?.let { (id, v) -> instruments.firstOrNull { it.id == id && it.version == v } }
    val hasCalendar: Boolean get() = instrument?.calendar != null
    val maxSeverity: Int get() = instrument?.calendar?.maxSeverity?.toInt() ?: 0
    val answerOptions: List<Answer> get() = instrument?.answerOptions.orEmpty()
    val unanswered: Int get() = items.count { it.required && it.id !in answers }
    /** Required questions still to answer, as the core counts them for the preview. */
    val questionsLeft: Int? get() = preview?.unanswered?.toInt()
    val followUpValid: Boolean get() = followUp.isBlank() || Format.parseDate(followUp) != null
    /** A note, not a rule: the core refuses the recording for any other role. */
    val psychologistsOnlyNote: Boolean get() = role != TeamRole.PSYCHOLOGIST
    val canSave: Boolean get() = !saving && recorded == null && instrument != null && survivorId != null && unanswered == 0 &&
        followUpValid && (overrideLevel == null || overrideReason.isNotBlank())
}

/**
 * The psychologist's risk assessment with the survivor: the instrument's items in the UI
 * language (yes / no / don't know as the instrument offers), the incident calendar of a
 * weighted instrument, a professional override upwards with its reason, recommendations and
 * clinical notes. The score, the level and who may record it are the core's: the score so far
 * is shown as the form is filled in ([AssessmentFormState.preview], the core's pure preview).
 */
class AssessmentFormModel(
    private val scope: CoroutineScope,
    private val assessments: AssessmentRepository,
    private val cases: CaseRepository,
    private val caseId: Uuid,
    private val language: () -> UiLanguage,
    private val role: () -> TeamRole?,
) {
    private val _state = MutableStateFlow(AssessmentFormState())
    val state: StateFlow<AssessmentFormState> = _state.asStateFlow()
    private var previewJob: Job? = null

    /**
     * Asks the core for the score so far of what is entered now; the latest answer wins (an
     * earlier request still running is cancelled, and a result for other answers is dropped).
     */
    private fun rescore() {
        val s = state.value
        val i = s.instrument ?: return
        if (s.recorded != null) return
        val answers = s.answers
        val entered = s.calendar
        val calendar = if (i.kind == InstrumentKind.WEIGHTED) entered else emptyList()
        previewJob?.cancel()
        previewJob = scope.launch {
            val r = attempt { assessments.preview(i.id, i.version, answers, calendar) }
            _state.update {
                if (it.instrumentKey != (i.id to i.version) || it.answers != answers || it.calendar != entered || it.recorded != null) it
                else when (r) {
                    is Outcome.Ok -> it.copy(preview = r.value, previewLevel = i.levelLabel(r.value.level, language()))
                    is Outcome.Failed -> it.copy(preview = null, previewLevel = "")
                }
            }
        }
    }

    fun refresh() {
        scope.launch {
            when (val r = attempt { assessments.instruments() to cases.caseFile(caseId).people }) {
                is Outcome.Ok -> {
                    val (instruments, people) = r.value
                    val survivors = people.filter { it.role == PersonRole.SURVIVOR }
                    _state.update { s ->
                        val withLists = s.copy(loading = false, instruments = instruments, survivors = survivors, role = role(),
                            survivorId = s.survivorId ?: survivors.firstOrNull()?.id)
                        val first = instruments.firstOrNull()
                        if (s.instrumentKey == null && first != null) withInstrument(withLists, first) else withLists
                    }
                    rescore()
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    private fun withInstrument(s: AssessmentFormState, i: Instrument): AssessmentFormState {
        val lang = language()
        return s.copy(
            instrumentKey = i.id to i.version,
            title = i.title.pick(lang),
            items = i.items.map { ItemView(it.id, it.text.pick(lang), it.weight.toInt(), it.required) },
            levels = i.bands.map { LevelView(it.level, it.label.pick(lang), it.minScore.toInt()) },
            answers = emptyMap(), calendar = emptyList(), overrideLevel = null, overrideReason = "", error = null,
            preview = null, previewLevel = "",
        )
    }

    fun chooseInstrument(id: String, version: String) {
        _state.update { s ->
            val i = s.instruments.firstOrNull { it.id == id && it.version == version }
            if (i == null || s.instrumentKey == (id to version)) s else withInstrument(s, i)
        }
        rescore()
    }

    fun answer(itemId: String, a: Answer) {
        _state.update { it.copy(answers = it.answers + (itemId to a), error = null) }
        rescore()
    }

    fun update(transform: (AssessmentFormState) -> AssessmentFormState) = _state.update { transform(it).copy(error = null) }

    fun addIncident() {
        _state.update { s ->
            val date = Format.parseDate(s.calendarDate) ?: return@update s
            if (s.calendarSeverity !in 1..s.maxSeverity) return@update s
            s.copy(calendar = s.calendar + CalendarEntry(date.toString(), s.calendarSeverity.toUByte()), calendarDate = "", error = null)
        }
        rescore()
    }

    fun removeIncident(index: Int) {
        _state.update { s -> s.copy(calendar = s.calendar.filterIndexed { i, _ -> i != index }) }
        rescore()
    }

    fun save() {
        val s = state.value
        val i = s.instrument ?: return
        val survivor = s.survivorId ?: return
        if (!s.canSave) return
        _state.update { it.copy(saving = true, error = null) }
        scope.launch {
            val new = NewAssessment(
                survivorId = survivor,
                instrumentId = i.id,
                instrumentVersion = i.version,
                answers = s.answers,
                calendar = if (i.kind == InstrumentKind.WEIGHTED) s.calendar else emptyList(),
                overrideLevel = s.overrideLevel,
                overrideReason = s.overrideReason.trim().ifEmpty { null },
                recommendations = Recommendations(s.protectionOrder, s.shelter, s.arrestRequest, s.followUp.trim().ifEmpty { null }),
                clinicalNotes = s.notes,
            )
            when (val r = attempt { assessments.record(caseId, new) }) {
                is Outcome.Ok -> _state.update {
                    // The answers and notes leave the screen's state once the core sealed them.
                    it.copy(saving = false, recorded = r.value.record, recordedLevel = i.levelLabel(r.value.record.level, language()),
                        answers = emptyMap(), notes = "", calendar = emptyList(), overrideReason = "", preview = null, previewLevel = "")
                }
                is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
            }
        }
    }
}

/** An assessment as every role sees it: level (in the UI language), score, recommendations. */
data class AssessmentRow(val summary: AssessmentSummary, val levelLabel: String, val instrumentTitle: String)

/** A point of the survivor's trend. */
data class TrendRow(val assessedAt: String, val levelLabel: String, val score: Int, val rank: Int, val maxRank: Int)

/** The clinical part as a psychologist reads it: item text and answer. */
data class DetailView(val detail: AssessmentDetail, val answers: List<Pair<String, Answer>>)

data class AssessmentsState(
    val loading: Boolean = true,
    val rows: List<AssessmentRow> = emptyList(),
    val survivors: List<Person> = emptyList(),
    val trendFor: Uuid? = null,
    val trend: List<TrendRow> = emptyList(),
    val detailFor: Uuid? = null,
    val detail: DetailView? = null,
    /** The core refused the answers and notes to this role (PermissionDenied, audited). */
    val detailRefused: UiError? = null,
    val busy: Boolean = false,
    val error: UiError? = null,
)

/**
 * The assessments of a case for every role: level, score, recommendations; a survivor's level
 * trend across cases; and the answers and notes on request, which the core gives to
 * psychologists only (a refusal is shown plainly, never hidden).
 */
class AssessmentsModel(
    private val scope: CoroutineScope,
    private val assessments: AssessmentRepository,
    private val cases: CaseRepository,
    private val caseId: Uuid,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(AssessmentsState())
    val state: StateFlow<AssessmentsState> = _state.asStateFlow()
    private var instruments: List<Instrument> = emptyList()

    fun refresh() {
        scope.launch {
            val r = attempt {
                instruments = assessments.instruments()
                Pair(assessments.ofCase(caseId), cases.caseFile(caseId).people.filter { it.role == PersonRole.SURVIVOR })
            }
            when (r) {
                is Outcome.Ok -> {
                    val lang = language()
                    val rows = r.value.first.map { a ->
                        val inst = instruments.firstOrNull { it.id == a.instrumentId && it.version == a.instrumentVersion }
                            ?: instruments.firstOrNull { it.id == a.instrumentId }
                        AssessmentRow(a, inst?.levelLabel(a.level, lang) ?: a.level, inst?.title?.pick(lang) ?: a.instrumentId)
                    }
                    val survivors = r.value.second
                    _state.update { it.copy(loading = false, rows = rows, survivors = survivors, error = null) }
                    (state.value.trendFor ?: survivors.firstOrNull()?.id)?.let(::showTrend)
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    fun showTrend(survivorId: Uuid) {
        _state.update { it.copy(trendFor = survivorId) }
        scope.launch {
            when (val r = attempt { assessments.trend(survivorId) }) {
                is Outcome.Ok -> {
                    val lang = language()
                    val rows = r.value.map { p ->
                        val bands = instruments.firstOrNull { it.id == p.instrumentId }?.bands.orEmpty()
                        TrendRow(
                            assessedAt = Format.deviceTime(p.assessedAt),
                            levelLabel = instruments.band(p.instrumentId, p.level)?.label?.pick(lang) ?: p.level,
                            score = p.score.toInt(),
                            rank = p.levelRank.toInt(),
                            maxRank = maxOf(0, bands.size - 1),
                        )
                    }
                    _state.update { if (it.trendFor == survivorId) it.copy(trend = rows) else it }
                }
                is Outcome.Failed -> _state.update { it.copy(error = r.error) }
            }
        }
    }

    /** Asks the core for the answers and notes; it decides (and logs the read or the refusal). */
    fun showDetail(assessmentId: Uuid) {
        if (state.value.busy) return
        _state.update { it.copy(busy = true, detailFor = assessmentId, detail = null, detailRefused = null, error = null) }
        scope.launch {
            when (val r = attempt { assessments.detail(assessmentId) }) {
                is Outcome.Ok -> {
                    val d = r.value
                    val lang = language()
                    val inst = instruments.firstOrNull { it.id == d.summary.instrumentId && it.version == d.summary.instrumentVersion }
                    val answers = inst?.items?.mapNotNull { item -> d.clinical.answers[item.id]?.let { item.text.pick(lang) to it } }
                        ?: d.clinical.answers.entries.sortedBy { it.key }.map { it.key to it.value }
                    _state.update { it.copy(busy = false, detail = DetailView(d, answers)) }
                }
                is Outcome.Failed -> _state.update {
                    if (r.error.denied) it.copy(busy = false, detailRefused = r.error) else it.copy(busy = false, error = r.error)
                }
            }
        }
    }

    fun hideDetail() = _state.update { it.copy(detailFor = null, detail = null, detailRefused = null) }
}
