package kz.qorgau.app

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kz.qorgau.app.capture.CaptureFiles
import kz.qorgau.app.capture.IngestQueue
import kz.qorgau.app.capture.IngestState
import kz.qorgau.app.data.CaseRepository
import kz.qorgau.app.data.SessionManager
import kz.qorgau.app.data.SessionState
import kz.qorgau.app.data.SyncRepository
import kz.qorgau.app.model.CaptureModel
import kz.qorgau.core.NewCaseForm
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.MediaKind
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.fileKeyStore
import org.junit.jupiter.api.Assertions.assertTrue
import java.awt.image.BufferedImage
import java.io.File
import javax.imageio.ImageIO
import javax.xml.parsers.DocumentBuilderFactory

/** Waits until the state satisfies [p]; a timeout fails with the last state seen. */
internal fun <T> StateFlow<T>.awaitState(what: String, ms: Long = 60_000, p: (T) -> Boolean): T = runBlocking {
    try {
        withTimeout(ms) { first(p) }
    } catch (e: Exception) {
        throw AssertionError("timed out waiting for $what; last state: $value", e)
    }
}

/** The app's strings of one resource directory (values, values-kk, values-ru), unescaped. */
internal fun appStrings(dir: String): Map<String, String> {
    val file = File(System.getProperty("user.dir"), "../app/src/main/res/$dir/strings.xml")
    val doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file)
    val nodes = doc.getElementsByTagName("string")
    return (0 until nodes.length).associate { i ->
        val e = nodes.item(i)
        e.attributes.getNamedItem("name").nodeValue to e.textContent.replace("\\'", "'").replace("\\\"", "\"")
    }
}

/** A phone set up as the app sets one up: session, sync and case repositories over a store in [dir]. */
internal class TestPhone(val sessions: SessionManager, val sync: SyncRepository, val repo: CaseRepository)

internal fun testPhone(dir: File, profile: DeviceProfile): TestPhone {
    val sessions = SessionManager(File(dir, "store"), fileKeyStore(File(dir, "device.key").path))
    runBlocking { sessions.setUp(profile) }
    val sync = SyncRepository({ (sessions.state.value as? SessionState.Ready)?.session })
    return TestPhone(sessions, sync, CaseRepository({ sessions.session }, File(dir, "exports")))
}

/** A case with a photo through the app's repository and capture model; returns the photo's size. */
internal fun newCaseWithPhoto(p: TestPhone, dir: File, scope: CoroutineScope, officer: TeamMember, address: String): Long {
    val caseId = runBlocking { p.repo.openCase(NewCaseForm(address = address, team = listOf(officer))) }.record.id
    val queue = IngestQueue({ p.sessions.session.store }, scope, { UiLanguage.EN }, previews = { _, _ -> null },
        onStored = { scope.launch { p.sync.refresh() } })
    val capture = CaptureModel(scope, caseId, CaptureFiles(File(dir, "captures")), queue, locate = { null })
    val photo = capture.newFile(MediaKind.PHOTO)
    val img = BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB)
    for (y in 0 until 480) for (x in 0 until 640) img.setRGB(x, y, (x shl 16) or (y shl 8) or 0x40)
    check(ImageIO.write(img, "jpg", photo))
    val size = photo.length()
    capture.captured(photo, MediaKind.PHOTO)
    val stored = capture.state.awaitState("photo stored") { s -> s.items.singleOrNull()?.state.let { it is IngestState.Stored || it is IngestState.Failed } }
    assertTrue(stored.items.single().state is IngestState.Stored, "${stored.items}")
    return size
}
