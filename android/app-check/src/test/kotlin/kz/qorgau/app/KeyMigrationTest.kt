package kz.qorgau.app

import kz.qorgau.app.security.AndroidKeystoreKeyStore
import kz.qorgau.app.security.KeyBackend
import kz.qorgau.app.security.KeyLevel
import kz.qorgau.app.security.KeyRecords
import kz.qorgau.app.security.KeySecurity
import kz.qorgau.core.FieldSession
import kz.qorgau.core.NewCaseForm
import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.KeyStoreException
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.Trigger
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey

/**
 * The Android key store's wrapping and its migration of keys made before
 * `setUnlockedDeviceRequired` (issue 11), with its logic unchanged and the Keystore replaced by
 * JCE keys in memory ([MemoryKeys]; the Android Keystore exists only on a phone), the records by
 * a map. The real core opens the store through it before and after the move.
 */
class KeyMigrationTest {
    @TempDir lateinit var tmp: File
    private val officer = TeamMember(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417")
    private val device = "kz.qorgau.wrap.qorgau-device-v1"
    private val moved = "kz.qorgau.wrap.bound.qorgau-device-v1"

    /** Keystore entries as JCE keys; knobs to fail the way phones do. */
    private class MemoryKeys(override var canBind: Boolean = true) : KeyBackend {
        val entries = mutableMapOf<String, SecretKey>()
        var failCreate = false
        /** The next lookup of a new key returns another key (a read-back that does not match). */
        var swapOnLookup: String? = null

        override fun key(entry: String): SecretKey? =
            if (entry == swapOnLookup) { swapOnLookup = null; aes() } else entries[entry]

        override fun create(entry: String, boundOnly: Boolean): Pair<SecretKey, KeySecurity> {
            if (failCreate) throw java.security.ProviderException("no key (synthetic)")
            return aes().also { entries[entry] = it } to KeySecurity(strongBox = false, unlockedDeviceRequired = canBind, level = KeyLevel.SOFTWARE)
        }

        override fun delete(entry: String) {
            entries.remove(entry)
        }

        override fun level(key: SecretKey) = KeyLevel.SOFTWARE

        private fun aes(): SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
    }

    private class MemoryRecords : KeyRecords {
        val values = mutableMapOf<String, String>()
        var failWrites = false

        override fun get(name: String): String? = values[name]

        override fun write(values: Map<String, String?>): Boolean {
            if (failWrites) return false
            values.forEach { (k, v) -> if (v == null) this.values.remove(k) else this.values[k] = v }
            return true
        }
    }

    @BeforeEach
    fun setUp() {
        val lib = File(System.getProperty("qorgau.lib.dir") ?: "", System.mapLibraryName("qorgau_ffi"))
        assertTrue(lib.isFile, "Rust library not built ($lib): cargo build -p qorgau-ffi")
    }

    private val dir get() = File(tmp, "store")

    /** A store set up through [ks], with one case; returns the case id. */
    private fun setUpStore(ks: AndroidKeystoreKeyStore): String = FieldSession.openOrInit(dir, ks, DeviceProfile("JVM test phone", "DV team 3 (synthetic)", officer)).use {
        it.store.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 7", team = listOf(officer)).toNewCase()).record.id
    }

    /** Opens the store again (a new start) and reads the case back. */
    private fun reopen(ks: AndroidKeystoreKeyStore, caseId: String) = FieldSession.open(dir, ks).use {
        assertEquals(caseId, it.store.caseFile(caseId).case.id)
    }

    @Test
    fun `a key made at set-up is recorded as bound and never moved`() {
        val keys = MemoryKeys()
        val records = MemoryRecords()
        val ks = AndroidKeystoreKeyStore(records, keys)
        val case = setUpStore(ks)
        assertEquals(KeySecurity(false, true, KeyLevel.SOFTWARE), ks.security(), "recorded at set-up")
        val key = keys.entries.getValue(device)
        reopen(ks, case)
        reopen(AndroidKeystoreKeyStore(records, keys), case)
        assertEquals(setOf(device), keys.entries.keys)
        assertTrue(key === keys.entries[device], "the same key")
        assertTrue(records.values.keys.none { it.startsWith("migrated") })
    }

    @Test
    fun `a key from before the records is moved to a bound key, and the core's bytes still open the store`() {
        val keys = MemoryKeys()
        val records = MemoryRecords()
        val case = setUpStore(AndroidKeystoreKeyStore(records, keys))
        records.values.clear() // as a phone set up before this version: a key, no records
        val old = keys.entries.getValue(device)

        val ks = AndroidKeystoreKeyStore(records, keys)
        assertNull(ks.security())
        reopen(ks, case)
        assertEquals(setOf(moved), keys.entries.keys, "the new bound key only; the old one deleted")
        assertTrue(old !== keys.entries[moved])
        assertEquals(KeySecurity(false, true, KeyLevel.SOFTWARE), ks.security())

        // Next starts open through the moved copy; only the core's exact bytes do.
        reopen(AndroidKeystoreKeyStore(records, keys), case)
        reopen(AndroidKeystoreKeyStore(records, keys), case)
        assertEquals(setOf(moved), keys.entries.keys)
        assertThrows<KeyStoreException.WrongKey> { AndroidKeystoreKeyStore(records, keys).unwrap("qorgau-device-v1", ByteArray(60) { 7 }) }
        // A new secret wrapped now (a store set up again) makes a new key; the moved copy goes.
        val fresh = AndroidKeystoreKeyStore(records, keys)
        val wrapped = fresh.wrap("qorgau-device-v1", byteArrayOf(1, 2, 3))
        assertArrayEquals(byteArrayOf(1, 2, 3), fresh.unwrap("qorgau-device-v1", wrapped))
        assertEquals(setOf(device), keys.entries.keys)
        assertTrue(records.values.keys.none { it.startsWith("migrated") })
    }

    @Test
    fun `a failed move keeps the old key and the store opens, and the move is tried again at the next start`() {
        val keys = MemoryKeys()
        val records = MemoryRecords()
        val case = setUpStore(AndroidKeystoreKeyStore(records, keys))
        records.values.clear()
        val old = keys.entries.getValue(device)

        // No new key can be made.
        keys.failCreate = true
        reopen(AndroidKeystoreKeyStore(records, keys), case)
        assertEquals(mapOf(device to old), keys.entries.toMap())
        assertTrue(records.values.isEmpty())
        keys.failCreate = false

        // The records cannot be written: the new key is dropped.
        records.failWrites = true
        reopen(AndroidKeystoreKeyStore(records, keys), case)
        assertEquals(mapOf(device to old), keys.entries.toMap())
        records.failWrites = false

        // The read-back does not match: the records and the new key are dropped.
        keys.swapOnLookup = moved
        reopen(AndroidKeystoreKeyStore(records, keys), case)
        assertEquals(mapOf(device to old), keys.entries.toMap())
        assertTrue(records.values.isEmpty(), "${records.values}")

        // The next start moves it.
        reopen(AndroidKeystoreKeyStore(records, keys), case)
        assertEquals(setOf(moved), keys.entries.keys)
        reopen(AndroidKeystoreKeyStore(records, keys), case)
    }

    @Test
    fun `below API 28 nothing is moved and the old key is recorded as not bound`() {
        val keys = MemoryKeys(canBind = false)
        val records = MemoryRecords()
        val case = setUpStore(AndroidKeystoreKeyStore(records, keys))
        records.values.clear()
        val ks = AndroidKeystoreKeyStore(records, keys)
        reopen(ks, case)
        assertEquals(setOf(device), keys.entries.keys)
        assertEquals(KeySecurity(false, false, KeyLevel.SOFTWARE), ks.security())
    }
}
