package kz.qorgau.app.data

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import kz.qorgau.core.FieldSession
import kz.qorgau.core.NewCaseForm
import kz.qorgau.core.PersonForm
import kz.qorgau.ffi.CaseFile
import kz.qorgau.ffi.CaseSummary
import kz.qorgau.ffi.Consent
import kz.qorgau.ffi.ExportSummary
import kz.qorgau.ffi.Language
import kz.qorgau.ffi.NewStatement
import kz.qorgau.ffi.RecordedCase
import kz.qorgau.ffi.RecordedPerson
import kz.qorgau.ffi.RecordedStatement
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.Uuid
import kz.qorgau.ffi.VerifyReport
import java.io.File

/**
 * Every store call the screens make, each on [io] (never the main thread: the store hashes,
 * encrypts and fsyncs). Failures are thrown as the core's QorgauException; models wrap calls
 * in [attempt].
 */
class CaseRepository(
    private val session: () -> FieldSession,
    private val exportsDir: File,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val store get() = session().store

    /** This device's officer: the default team member and "taken by" of statements. */
    suspend fun officer(): TeamMember = withContext(io) { store.device().profile.officer }

    suspend fun officerBadge(): String = withContext(io) { session().officerBadge }

    suspend fun cases(): List<CaseSummary> = withContext(io) { store.listCases() }

    suspend fun caseFile(caseId: Uuid): CaseFile = withContext(io) { store.caseFile(caseId) }

    suspend fun openCase(form: NewCaseForm): RecordedCase = withContext(io) { store.openCase(form.toNewCase()) }

    suspend fun addPerson(caseId: Uuid, form: PersonForm): RecordedPerson =
        withContext(io) { store.addPerson(caseId, form.toNewPerson()) }

    suspend fun recordStatement(caseId: Uuid, personId: Uuid, language: Language, text: String, consent: Consent): RecordedStatement =
        withContext(io) {
            store.recordStatement(caseId, NewStatement(personId, language, text, session().officerBadge, consent, null))
        }

    suspend fun recordRefusal(caseId: Uuid, personId: Uuid, language: Language, reason: String): RecordedStatement =
        withContext(io) { store.recordRefusal(caseId, personId, language, reason, session().officerBadge) }

    suspend fun thumbnail(evidenceId: Uuid): ByteArray? = withContext(io) { store.thumbnail(evidenceId) }

    /** Re-hashes every original and checks the whole custody chain; can take a while. */
    suspend fun verify(caseId: Uuid): VerifyReport = withContext(io) { store.verify(caseId) }

    /**
     * Records in the case's custody chain that [summary]'s bundle is being shared ([to]: where,
     * as far as the app knows); the only way to a [RecordedShare], so nothing is shared that the
     * core did not record. PermissionDenied with nobody signed in.
     */
    suspend fun recordBundleShared(summary: ExportSummary, to: String): RecordedShare = withContext(io) {
        RecordedShare(summary, store.recordBundleShared(summary.caseId, to))
    }

    /** Writes the court bundle under [exportsDir]; fails with Conflict if it already exists. */
    suspend fun export(caseId: Uuid): ExportSummary = withContext(io) {
        exportsDir.mkdirs()
        store.exportCase(caseId, exportsDir.path)
    }
}
