package kz.qorgau.app.model

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kz.qorgau.app.data.CaseRepository
import kz.qorgau.app.data.Outcome
import kz.qorgau.app.data.UiError
import kz.qorgau.app.data.attempt
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.Consent
import kz.qorgau.ffi.Language
import kz.qorgau.ffi.Person
import kz.qorgau.ffi.Statement
import kz.qorgau.ffi.Uuid

data class StatementState(
    val people: List<Person> = emptyList(),
    val statements: List<Statement> = emptyList(),
    val personId: Uuid? = null,
    /** The language the statement is given in (not necessarily the UI language). */
    val language: Language = Language.KK,
    val text: String = "",
    val shareWithCrisisCentre: Boolean = false,
    val shareWithCourt: Boolean = false,
    /** The person declines to give a statement; the refusal itself is recorded. */
    val refusing: Boolean = false,
    val refusalReason: String = "",
    val loading: Boolean = true,
    val saving: Boolean = false,
    val error: UiError? = null,
    /** The last recorded statement (for a confirmation line). */
    val recorded: Statement? = null,
) {
    val canSave: Boolean get() = !saving && personId != null && (refusing || text.isNotBlank())
}

/** Taking a statement, or recording a refusal, for one person on the case. */
class StatementModel(
    private val scope: CoroutineScope,
    private val repo: CaseRepository,
    private val caseId: Uuid,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(StatementState(language = statementLanguageFor(language())))
    val state: StateFlow<StatementState> = _state.asStateFlow()

    fun refresh() {
        scope.launch {
            when (val r = attempt { repo.caseFile(caseId) }) {
                is Outcome.Ok -> _state.update {
                    it.copy(
                        loading = false,
                        people = r.value.people,
                        statements = r.value.statements,
                        personId = it.personId ?: r.value.people.firstOrNull()?.id,
                    )
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    fun update(transform: (StatementState) -> StatementState) = _state.update { transform(it).copy(error = null) }

    fun save() {
        val s = state.value
        val personId = s.personId ?: return
        if (!s.canSave) return
        _state.update { it.copy(saving = true, error = null) }
        scope.launch {
            val r = attempt {
                if (s.refusing) repo.recordRefusal(caseId, personId, s.language, s.refusalReason)
                else repo.recordStatement(caseId, personId, s.language, s.text, Consent(s.shareWithCrisisCentre, s.shareWithCourt))
            }
            when (r) {
                is Outcome.Ok -> _state.update {
                    it.copy(
                        saving = false, recorded = r.value.record, statements = it.statements + r.value.record,
                        text = "", refusalReason = "", refusing = false,
                        shareWithCrisisCentre = false, shareWithCourt = false,
                    )
                }
                is Outcome.Failed -> _state.update { it.copy(saving = false, error = r.error) }
            }
        }
    }

    companion object {
        fun statementLanguageFor(ui: UiLanguage): Language = when (ui) {
            UiLanguage.KK -> Language.KK
            UiLanguage.RU -> Language.RU
            UiLanguage.EN -> Language.EN
        }
    }
}
