package kz.qorgau.app

import kz.qorgau.app.data.UiError
import kz.qorgau.core.ErrorArg
import kz.qorgau.core.ErrorMessages
import kz.qorgau.core.ErrorText
import kz.qorgau.ffi.ErrorCode
import kz.qorgau.ffi.IinProblem
import kz.qorgau.ffi.MediaProblem
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.QrRejection
import kz.qorgau.ffi.RejectionCode
import kz.qorgau.ffi.SyncFailure
import kz.qorgau.ffi.SyncProblem
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.time.Instant

/**
 * Every error kind and every typed reason the FFI reports (IinProblem, QrRejection, SyncFailure,
 * ErrorCode, SyncProblem, RejectionCode) maps to its own message (kz.qorgau.core.ErrorMessages),
 * and every message has distinct, non-empty words in Kazakh, Russian and English in the app's
 * strings.xml, with the placeholder its argument needs; ui/ErrorTexts.kt maps each message to
 * the string resource of its own name. The kinds are the generated bindings' own (what the
 * library at target/debug was built with).
 */
class ErrorTextsTest {
    private val dirs = listOf("values", "values-kk", "values-ru")

    /** One of every QorgauException kind (checked against the generated classes below). */
    private val everyKind: List<QorgauException> = listOf(
        QorgauException.InvalidInput("field", "x"),
        QorgauException.BadMedia(MediaProblem.CORRUPT, "x"),
        QorgauException.NotFound("x"),
        QorgauException.Conflict("x"),
        QorgauException.WrongKey("x"),
        QorgauException.Integrity("x"),
        QorgauException.NotInitialised("x"),
        QorgauException.AlreadyInitialised("x"),
        QorgauException.Storage("x"),
        QorgauException.InvalidRegistry("x"),
        QorgauException.PermissionDenied("x"),
        QorgauException.WrongPin(2u, "x"),
        QorgauException.ProfileLocked(Instant.parse("2026-12-02T10:15:00Z"), "x"),
        QorgauException.Cancelled(),
        QorgauException.KeyStore("x"),
        QorgauException.Io("x"),
        QorgauException.Internal("x"),
    ) + IinProblem.entries.map { QorgauException.InvalidIin(it, "x") } +
        QrRejection.entries.map { QorgauException.InvalidQr(it, "x") } +
        everyFailure().map { QorgauException.Sync(it, "x") }

    private fun everyFailure(): List<SyncFailure> = listOf(
        SyncFailure.Unreachable, SyncFailure.UntrustedCertificate, SyncFailure.NotEnrolled, SyncFailure.EnrolmentNotAuthentic,
        SyncFailure.StationFailed(503u), SyncFailure.MalformedAnswer, SyncFailure.NoProgress, SyncFailure.Cancelled, SyncFailure.Local,
    ) + ErrorCode.entries.map { SyncFailure.Refused(it, 403u) }

    private fun everyProblem(): List<SyncProblem> =
        everyFailure().map { SyncProblem.Failed(it) } + listOf(SyncProblem.EntriesRefused(3u), SyncProblem.RegistryNotUpdated)

    /** The nested subclasses the generated code declares (objects and classes). */
    private fun subclassesOf(c: Class<*>): Set<Class<*>> = c.declaredClasses.filter { c.isAssignableFrom(it) && it != c }.toSet()

    @Test
    fun `every error kind and every typed reason has its own message`() {
        // The lists above cover every kind the bindings declare.
        assertEquals(subclassesOf(QorgauException::class.java), everyKind.map { it.javaClass }.toSet(), "QorgauException kinds")
        assertEquals(subclassesOf(SyncFailure::class.java), everyFailure().map { it.javaClass }.toSet(), "SyncFailure kinds")
        assertEquals(subclassesOf(SyncProblem::class.java), everyProblem().map { it.javaClass }.toSet(), "SyncProblem kinds")

        // One message per kind and per reason: nothing shares words with another.
        val byKind = everyKind.map { ErrorMessages.of(it).text }
        assertEquals(byKind.size, byKind.toSet().size, "distinct: ${byKind.groupingBy { it }.eachCount().filterValues { it > 1 }}")
        assertEquals(IinProblem.entries.size, IinProblem.entries.map(ErrorMessages::of).toSet().size)
        assertEquals(QrRejection.entries.size, QrRejection.entries.map(ErrorMessages::of).toSet().size)
        assertEquals(ErrorCode.entries.size, ErrorCode.entries.map(ErrorMessages::of).toSet().size)
        assertEquals(RejectionCode.entries.size, RejectionCode.entries.map(ErrorMessages::of).toSet().size)
        val failures = everyFailure().map { ErrorMessages.of(it).text }
        assertEquals(failures.size, failures.toSet().size)
        val problems = everyProblem().map { ErrorMessages.of(it).text }
        assertEquals(problems.size, problems.toSet().size)

        // Every message is reached by some kind, except the sync screen's own checks.
        val reached = byKind + RejectionCode.entries.map(ErrorMessages::of) + problems
        val own = ErrorText.entries.filter { it.name.startsWith("SYNC_CHECK_") }
        assertEquals(ErrorText.entries.toSet() - own.toSet(), reached.toSet(), "orphan or missing messages")

        // What each message is filled with comes from the kind's typed fields, never its words.
        assertEquals("field", ErrorMessages.of(QorgauException.InvalidInput("field", "x")).field)
        val until = Instant.parse("2026-12-02T10:15:00Z")
        assertEquals(until, ErrorMessages.of(QorgauException.ProfileLocked(until, "x")).time)
        assertEquals(503L, ErrorMessages.of(SyncFailure.StationFailed(503u)).number)
        assertEquals(3L, ErrorMessages.of(SyncProblem.EntriesRefused(3u)).number)
        val reworded = listOf("", "device revoked", "cannot reach the station", "ǵʊ∂ø")
        for (e in everyKind) {
            val m = ErrorMessages.of(e)
            for (w in reworded) {
                val again = when (e) {
                    is QorgauException.Sync -> QorgauException.Sync(e.failure, w)
                    is QorgauException.InvalidIin -> QorgauException.InvalidIin(e.problem, w)
                    is QorgauException.InvalidQr -> QorgauException.InvalidQr(e.rejection, w)
                    is QorgauException.InvalidInput -> QorgauException.InvalidInput(e.field, w)
                    is QorgauException.WrongPin -> QorgauException.WrongPin(e.attemptsLeft, w)
                    is QorgauException.ProfileLocked -> QorgauException.ProfileLocked(e.until, w)
                    else -> null
                } ?: continue
                assertEquals(m, ErrorMessages.of(again), "the words do not change the message: $e / $w")
            }
        }
    }

    @Test
    fun `the screen's flags come from the kind`() {
        for (e in everyKind) {
            val ui = UiError.of(e)
            assertEquals(e is QorgauException.PermissionDenied, ui.denied, "$e")
            assertEquals(e is QorgauException.Cancelled, ui.cancelled, "$e")
            if (e is QorgauException.Sync) assertEquals(kz.qorgau.ffi.syncFailureIsTransient(e.failure), ui.transient, "$e") else assertNull(ui.transient, "$e")
        }
        assertEquals(true, UiError.of(QorgauException.Sync(SyncFailure.Unreachable, "")).transient)
        assertEquals(true, UiError.of(QorgauException.Sync(SyncFailure.StationFailed(502u), "")).transient)
        assertEquals(false, UiError.of(QorgauException.Sync(SyncFailure.Refused(ErrorCode.DEVICE_REVOKED, 403u), "")).transient)
        assertEquals(ErrorText.ERROR_INTERNAL, UiError.of(IllegalStateException("a bug, with words")).text)
    }

    @Test
    fun `every message has distinct non-empty words in kk, ru and en, with its placeholder`() {
        val langs = dirs.associateWith { appStrings(it) }
        for ((dir, strings) in langs) {
            val words = ErrorText.entries.associateWith { t ->
                val w = strings[t.key] ?: throw AssertionError("${t.key} missing in $dir")
                assertTrue(w.isNotBlank(), "${t.key} empty in $dir")
                val placeholders = Regex("%(\\d+\\$)?[sd]").findAll(w).map { it.value }.toList()
                val expected = when (t.arg) {
                    ErrorArg.NONE -> emptyList()
                    ErrorArg.FIELD, ErrorArg.TIME -> listOf("%1\$s")
                    ErrorArg.NUMBER -> listOf("%1\$d")
                }
                assertEquals(expected, placeholders, "${t.key} in $dir: $w")
                assertFalse(w.contains('%') && placeholders.isEmpty(), "${t.key} in $dir: a stray %")
                w
            }
            val dup = words.entries.groupBy({ it.value }, { it.key }).filterValues { it.size > 1 }
            assertTrue(dup.isEmpty(), "$dir: messages sharing words: $dup")
        }
        // Each message is really translated: three different texts.
        for (t in ErrorText.entries) {
            val three = dirs.map { langs.getValue(it).getValue(t.key) }
            assertEquals(3, three.toSet().size, "${t.key}: $three")
        }
        // The locked-profile message carries the time; the IIN messages say it is the IIN.
        assertTrue(langs.getValue("values").getValue("error_profile_locked").contains("until %1\$s"))
        IinProblem.entries.forEach { p -> assertTrue(langs.getValue("values-ru").getValue(ErrorMessages.of(p).key).startsWith("ИИН"), "$p") }
    }

    @Test
    fun `ui ErrorTexts maps each message to the string resource of its own name`() {
        val source = File(System.getProperty("user.dir"), "../app/src/main/kotlin/kz/qorgau/app/ui/ErrorTexts.kt").readText()
        val mapped = Regex("""ErrorText\.([A-Z0-9_]+) -> R\.string\.([a-z0-9_]+)""").findAll(source).map { it.groupValues[1] to it.groupValues[2] }.toList()
        assertEquals(ErrorText.entries.map { it.name }, mapped.map { it.first }, "every message once, in order")
        mapped.forEach { (name, res) -> assertEquals(ErrorText.valueOf(name).key, res, name) }
    }
}
