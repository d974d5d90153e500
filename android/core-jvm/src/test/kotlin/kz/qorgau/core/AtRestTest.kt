package kz.qorgau.core

import kz.qorgau.ffi.CaptureInfo
import kz.qorgau.ffi.MediaKind
import kz.qorgau.ffi.MediaProblem
import kz.qorgau.ffi.PersonQuery
import kz.qorgau.ffi.PreviewSource
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.Trigger
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.MessageDigest
import java.time.Instant
import java.util.Base64

/**
 * Issue 10 ("the phone at rest") from Kotlin: only a signed-in supervisor changes the trusted
 * station key; a photo cut short is refused as damaged and kept, marked, only when asked.
 */
class AtRestTest {
    @TempDir lateinit var tmp: File

    private fun session() = FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile)

    private fun sha256(b: ByteArray) = MessageDigest.getInstance("SHA-256").digest(b).joinToString("") { "%02x".format(it) }

    private fun stationKeys(): Pair<KeyPair, String> {
        val keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair()
        // X.509 SubjectPublicKeyInfo: the raw Ed25519 key is the last 32 bytes.
        return keys to keys.public.encoded.takeLast(32).joinToString("") { "%02x".format(it) }
    }

    /** A registry snapshot signed as the station signs it (no rows). */
    private fun registry(keys: KeyPair, file: File, sequence: Int): File {
        val header = """{"format":"qorgau-registry/1","kind":"snapshot","sequence":$sequence,"base_sequence":null,"generated_at":"${Instant.now().minusSeconds(60)}","rows":0}"""
        val body = header + "\n"
        val digest = MessageDigest.getInstance("SHA-256").digest(body.toByteArray())
        val sig = java.security.Signature.getInstance("Ed25519").apply {
            initSign(keys.private)
            update("qorgau-registry/1:".toByteArray() + digest)
        }.sign()
        file.writeText(body + """{"signature":"${Base64.getEncoder().encodeToString(sig)}"}""" + "\n")
        return file
    }

    private fun FieldSession.registrySequence() =
        store.checkPerson(PersonQuery(iin = Fixtures.AGGRESSOR_IIN, name = null, dateOfBirth = null, currentCase = null)).registrySequence

    @Test
    fun `the station key is changed only by a signed-in supervisor`() {
        session().use { s ->
            val store = s.store
            val (keys, hex) = stationKeys()

            // Nobody signed in (and no profile yet): refused.
            val nobody = assertThrows<QorgauException.PermissionDenied> { store.trustStationKey(hex) }
            assertEquals(ErrorText.ERROR_PERMISSION_DENIED, ErrorMessages.of(nobody).text)
            // Nothing trusted: a signed registry cannot be imported.
            val reg1 = registry(keys, File(tmp, "reg1.jsonl"), 1)
            val untrusted = assertThrows<QorgauException.InvalidRegistry> { store.importRegistry(reg1.path) }
            assertEquals(ErrorText.ERROR_INVALID_REGISTRY, ErrorMessages.of(untrusted).text)

            // The supervisor's profile comes first (issue 11); it exists, nobody is signed in: refused.
            val supervisor = store.createProfile(TeamRole.SUPERVISOR, "Marat Lead", "KZ-DEMO-SUP-1", "864203")
            assertNull(store.currentProfile())
            assertThrows<QorgauException.PermissionDenied>("a supervisor exists but is not signed in") { store.trustStationKey(hex) }

            // She signs in and adds the officer; the officer signed in: refused.
            store.unlockProfile(supervisor.id, "864203")
            val officer = store.createProfile(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417", "270415")
            store.unlockProfile(officer.id, "270415")
            assertEquals(TeamRole.OFFICER, store.currentProfile()?.role)
            assertThrows<QorgauException.PermissionDenied>("the officer acting") { store.trustStationKey(hex) }

            // The supervisor signed in: allowed; a registry signed with that key now verifies.
            store.unlockProfile(supervisor.id, "864203")
            val short = assertThrows<QorgauException.InvalidInput> { store.trustStationKey("00ff") }
            assertEquals(ErrorMessage(ErrorText.ERROR_INVALID_INPUT, field = short.field), ErrorMessages.of(short))
            store.trustStationKey(hex)
            assertEquals(1uL, store.importRegistry(reg1.path).sequence)
            assertEquals(1uL, s.registrySequence())

            // Signed out again: another key is refused and the registry in force stays.
            store.lockProfile()
            val (_, otherHex) = stationKeys()
            assertThrows<QorgauException.PermissionDenied> { store.trustStationKey(otherHex) }
            assertEquals(1uL, s.registrySequence(), "a refused change wipes nothing")
            assertEquals(2uL, store.importRegistry(registry(keys, File(tmp, "reg2.jsonl"), 2).path).sequence, "the supervisor's key is still the one trusted")
        }
    }

    @Test
    fun `a JPEG cut in half is refused as damaged, then kept byte for byte and marked when asked`() {
        session().use { s ->
            val store = s.store
            val case = store.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase()).record.id
            val whole = Fixtures.jpeg(File(tmp, "whole.jpg"), 640, 480).readBytes()
            val cutBytes = whole.copyOf(whole.size / 2)
            val cut = File(tmp, "IMG_cut.jpg").apply { writeBytes(cutBytes) }

            // Refused as bad media, offered to keep; nothing stored.
            val refused = assertThrows<QorgauException.BadMedia> {
                store.addEvidenceFile(case, cut.path, MediaKind.PHOTO, CaptureInfo(null, null, null), null)
            }
            assertEquals(ErrorText.ERROR_BAD_MEDIA, ErrorMessages.of(refused).text)
            assertEquals(MediaProblem.DAMAGED, refused.problem)
            assertTrue(ErrorMessages.keepableAsDamaged(refused))
            assertTrue(store.evidenceList(case).isEmpty(), "nothing stored")
            // Not media at all is not "damaged": there is nothing to keep.
            val text = File(tmp, "notes.txt").apply { writeText("not media at all") }
            val notMedia = assertThrows<QorgauException.BadMedia> { store.addEvidenceFile(case, text.path, null, CaptureInfo(null, null, null), null) }
            assertEquals(MediaProblem.NOT_MEDIA, notMedia.problem)
            assertFalse(ErrorMessages.keepableAsDamaged(notMedia))

            // The officer confirmed: kept as it is, marked damaged, no preview.
            val kept = store.addEvidenceFile(case, cut.path, MediaKind.PHOTO, CaptureInfo(null, "cut short (synthetic)", null, keepDamaged = true), null).record
            assertNotNull(kept.damaged, "why it is damaged")
            assertTrue(kept.damaged!!.isNotBlank())
            assertEquals(sha256(cutBytes), kept.sha256, "SHA-256 of the cut bytes, not of the whole photo")
            assertEquals(cutBytes.size.toULong(), kept.sizeBytes)
            assertEquals(PreviewSource.NONE, kept.preview)
            assertNull(store.thumbnail(kept.id))
            assertEquals("cut short (synthetic)", kept.note)

            // Stored as recorded, byte for byte; the case still verifies.
            val listed = store.evidenceList(case).single()
            assertEquals(kept.damaged, listed.damaged)
            assertEquals(kept.sha256, listed.sha256)
            val out = File(tmp, "out.jpg")
            assertEquals(cutBytes.size.toULong(), store.extractOriginal(kept.id, out.path, "review"))
            assertArrayEquals(cutBytes, out.readBytes())
            assertTrue(store.verify(case).ok)

            // A sound photo carries neither mark nor note.
            val sound = store.addEvidenceFile(case, File(tmp, "whole.jpg").path, MediaKind.PHOTO, CaptureInfo(null, null, null), null).record
            assertNull(sound.damaged)
            assertNull(sound.previewNote)
            assertEquals(PreviewSource.GENERATED, sound.preview)
        }
    }
}
