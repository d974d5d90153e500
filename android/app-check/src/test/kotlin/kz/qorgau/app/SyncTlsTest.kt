package kz.qorgau.app

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kz.qorgau.app.model.SyncModel
import kz.qorgau.app.model.SyncPhase
import kz.qorgau.core.ErrorMessage
import kz.qorgau.core.ErrorText
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.SyncFailure
import kz.qorgau.ffi.syncFailureIsTransient
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.TeamRole
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread

/**
 * The sync screen's model over https, with the address and code typed in (the fallback to the
 * card, SyncCardTest): a station under its own root (the default), whose root the phone pins
 * from the code-bound answer; and a station under an operator's certificate (a CA made here with
 * openssl, as a unit's IT would: `--tls-cert/--tls-key/--tls-ca`), enrolled with that CA
 * attached, then sync trusting only it; with another CA attached nothing goes through.
 * Synthetic people and media only.
 */
class SyncTlsTest {
    @TempDir lateinit var tmp: File
    private lateinit var scope: CoroutineScope
    private lateinit var bin: File
    private var station: Process? = null
    private lateinit var url: String
    private lateinit var caPem: ByteArray
    private val officer = TeamMember(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417")
    private val profile = DeviceProfile("JVM test phone", "DV team 3 (synthetic)", officer)

    @BeforeEach
    fun setUp() {
        val libDir = System.getProperty("qorgau.lib.dir") ?: ""
        val lib = File(libDir, System.mapLibraryName("qorgau_ffi"))
        assertTrue(lib.isFile, "Rust library not built ($lib): cargo build -p qorgau-ffi")
        bin = File(System.getProperty("qorgau.station.bin") ?: File(libDir, "qorgau-station").path)
        assertTrue(bin.canExecute(), "station not built ($bin): cargo build -p qorgau-station")
        scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    }

    /** `serve` on loopback over https: the station's own root, or [extra] (an operator's certificate). */
    private fun startStation(vararg extra: String) {
        val p = ProcessBuilder(listOf(bin.path, "--data", File(tmp, "station").path, "serve", "--listen", "127.0.0.1:0") + extra)
            .redirectErrorStream(true).start()
        station = p
        val out = p.inputStream.bufferedReader()
        val first = out.readLine() ?: error("station did not start")
        url = Regex("https://127\\.0\\.0\\.1:[0-9]+").find(first)?.value ?: error("no https address in: $first")
        // Keep reading its log: a full pipe would block the station.
        thread(isDaemon = true, name = "station-output") { runCatching { out.useLines { lines -> lines.forEach { } } } }
    }

    @AfterEach
    fun tearDown() {
        station?.let { p ->
            p.destroy()
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS)
        }
        if (::scope.isInitialized) scope.cancel()
    }

    private fun assumeOpenssl() =
        assertTrue(runCatching { ProcessBuilder("openssl", "version").start().waitFor() == 0 }.getOrDefault(false), "openssl not installed")

    /** The station under an operator's certificate: its CA signs a server certificate for 127.0.0.1 (as station/tests/tls.rs). */
    private fun startWithOperatorCertificate() {
        assumeOpenssl()
        val d = makeCertificates("pki")
        startStation("--tls-cert", File(d, "cert.pem").path, "--tls-key", File(d, "key.pem").path, "--tls-ca", File(d, "ca.pem").path)
    }

    /** A CA and a server certificate it signs for 127.0.0.1 and localhost, in tmp/[dir]; [caPem] is the CA. */
    private fun makeCertificates(dir: String): File {
        val d = File(tmp, dir).apply { mkdirs() }
        fun f(n: String) = File(d, n).path
        File(d, "ext.cnf").writeText("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n")
        val steps = listOf(
            listOf("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=qorgau-test-ca", "-keyout", f("ca.key"), "-out", f("ca.pem")),
            listOf("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-subj", "/CN=qorgau-station", "-keyout", f("key.pem"), "-out", f("station.csr")),
            listOf("openssl", "x509", "-req", "-in", f("station.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial",
                "-days", "1", "-extfile", f("ext.cnf"), "-out", f("cert.pem")),
        )
        for (cmd in steps) {
            val p = ProcessBuilder(cmd).redirectErrorStream(true).start()
            val log = p.inputStream.bufferedReader().readText()
            assertEquals(0, p.waitFor(), "${cmd.take(2)}: $log")
        }
        caPem = File(d, "ca.pem").readBytes()
        return d
    }

    private fun enrolmentCode(): String {
        val p = ProcessBuilder(bin.path, "--data", File(tmp, "station").path, "enrolment-code", "--officer", officer.badge, "--unit", profile.unit, "--print", "code")
            .redirectErrorStream(true).start()
        val code = p.inputStream.bufferedReader().readText().trim()
        assertEquals(0, p.waitFor(), code)
        return code
    }




    private fun <T> StateFlow<T>.await(what: String, ms: Long = 60_000, p: (T) -> Boolean): T = awaitState(what, ms, p)
    private fun phone(): TestPhone = testPhone(tmp, profile)
    private fun caseWithPhoto(p: TestPhone): Long = newCaseWithPhoto(p, tmp, scope, officer, "Synthetic street 7, Astana")

    @Test
    fun `the station's own root - address and code typed in, the root pinned, send now - nothing waits`() {
        startStation()
        val p = phone()
        val model = SyncModel(scope, p.sync, { UiLanguage.EN })
        model.refresh()
        model.state.await("counts read") { !it.loading && it.status != null }
        val photoSize = caseWithPhoto(p)
        model.state.await("case and photo waiting") { it.pendingRecords == 2L }

        // No CA to attach: the default choice; the core pins the root the station names in its
        // answer, which is bound to the code.
        model.setStationUrl(url)
        model.setCode(enrolmentCode().chunked(4).joinToString("-"))
        var s = model.state.await("typed") { it.stationUrl == url && it.code.isNotEmpty() }
        assertTrue(s.isHttps)
        assertFalse(s.ownCertificate)
        model.enrol()
        s = model.state.await("enrolled") { !it.enrolling && (it.enrolled || it.failure != null) }
        assertNull(s.failure, "${s.failure}")
        assertEquals(url, s.station)
        val trusted = s.enrolledStation!!
        assertTrue(trusted.enrolment.tlsRootPinned, "$trusted")
        assertNull(trusted.tlsRootFingerprint, "a typed code: the core does not return the pinned root's fingerprint")
        assertEquals(officer.badge, trusted.enrolment.officer)

        model.sendNow()
        s = model.state.await("sent") { !it.sending && (it.lastReport != null || it.failure != null || it.lastProblem != null) }
        assertNull(s.failure, "${s.failure}")
        assertNull(s.lastProblem, "${s.lastProblem}")
        assertEquals(2uL, s.lastReport!!.acked)
        assertEquals(photoSize.toULong(), s.lastReport!!.uploadedBytes)
        assertEquals(SyncPhase.ALL_SENT, s.phase)
    }

    @Test
    fun `an operator's certificate - enrol with its CA attached, a case with a photo, send now - nothing waits`() {
        startWithOperatorCertificate()
        val p = phone()
        val model = SyncModel(scope, p.sync, { UiLanguage.EN })
        model.refresh()
        model.state.await("counts read") { !it.loading && it.status != null }
        val photoSize = caseWithPhoto(p)
        model.state.await("case and photo waiting") { it.pendingRecords == 2L }

        model.setStationUrl(url)
        model.setCode(enrolmentCode())
        assertTrue(model.state.await("https address") { it.stationUrl == url }.isHttps)
        // "Station's own certificate" chosen but none attached, or not a certificate: refused on the phone.
        model.setOwnCertificate(true)
        model.enrol()
        model.state.await("no CA refused") { it.failure?.text == ErrorText.SYNC_CHECK_NO_CERTIFICATE }
        model.attachCaFile("not a certificate".toByteArray())
        model.state.await("not PEM refused") { it.failure?.text == ErrorText.SYNC_CHECK_NOT_PEM }
        model.setCaPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")
        model.enrol()
        var s = model.state.await("bad PEM refused by the core") { !it.enrolling && it.failure != null }
        // The core's InvalidInput carries only words: the generic message with its field.
        assertEquals(ErrorMessage(ErrorText.ERROR_INVALID_INPUT, field = "certificate"), s.failure!!.message, "${s.failure}")
        assertNull(s.station)

        // The CA from a picked file.
        model.attachCaFile(caPem)
        s = model.state.await("CA attached") { it.caPem.isNotEmpty() && it.failure == null }
        assertTrue(s.ownCertificate)
        model.enrol()
        s = model.state.await("enrolled") { !it.enrolling && (it.enrolled || it.failure != null) }
        assertNull(s.failure, "${s.failure}")
        assertEquals(url, s.station)
        assertEquals(SyncPhase.WAITING, s.phase)

        // Sync trusts the CA the store remembered at enrolment.
        model.sendNow()
        s = model.state.await("sent") { !it.sending && (it.lastReport != null || it.failure != null || it.lastProblem != null) }
        assertNull(s.failure, "${s.failure}")
        assertNull(s.lastProblem, "${s.lastProblem}")
        assertEquals(2uL, s.lastReport!!.acked)
        assertEquals(photoSize.toULong(), s.lastReport!!.uploadedBytes)
        assertEquals(SyncPhase.ALL_SENT, s.phase)
        assertEquals(0L, s.pendingRecords)
        assertEquals(0L, s.pendingBytes)
    }

    @Test
    fun `an operator's certificate - with another CA attached the enrolment shows the plain error and nothing is sent`() {
        startWithOperatorCertificate()
        val other = makeCertificates("other-pki") // another CA (caPem is now this one)
        assertTrue(File(other, "ca.pem").isFile)
        val p = phone()
        val model = SyncModel(scope, p.sync, { UiLanguage.RU })
        model.refresh()
        model.state.await("counts read") { !it.loading && it.status != null }
        val photoSize = caseWithPhoto(p)
        model.state.await("case and photo waiting") { it.pendingRecords == 2L }

        // "A CA from the unit's IT", but not the one that signed the station's certificate.
        model.setStationUrl(url)
        model.setCode(enrolmentCode())
        model.attachCaFile(caPem)
        model.state.await("typed") { it.stationUrl == url && it.code.isNotEmpty() && it.ownCertificate && it.caPem.isNotEmpty() }
        model.enrol()
        var s = model.state.await("refused") { !it.enrolling && (it.enrolled || it.failure != null) }
        assertFalse(s.enrolled)
        val f = s.failure!!
        assertEquals(ErrorMessage(ErrorText.SYNC_FAILURE_UNTRUSTED_CERTIFICATE), f.message, "an untrusted station certificate is said as such: $f")
        assertEquals(false, f.transient, "another CA is needed: it does not pass by itself")
        assertNull(s.station)
        assertFalse(s.isEnrolled)
        // The kind as the library throws it, from the repository the screen uses.
        val thrown = assertThrows<QorgauException.Sync> { runBlocking { p.sync.enrol(url, enrolmentCode(), caPem) } }
        assertEquals(SyncFailure.UntrustedCertificate, thrown.failure)
        assertFalse(syncFailureIsTransient(thrown.failure))
        assertNull(runBlocking { p.sync.refresh() }.station, "nothing stored")

        // Nothing was sent: everything still waits, and "send now" needs an enrolment first.
        model.sendNow()
        s = model.state.await("not enrolled") { it.failure?.text == ErrorText.SYNC_FAILURE_NOT_ENROLLED }
        assertEquals(SyncPhase.NOT_ENROLLED, s.phase)
        assertEquals(2L, s.pendingRecords)
        assertEquals(photoSize, s.pendingBytes)
        assertNull(s.lastSuccessAt)
        assertNull(s.lastReport)
    }
}
