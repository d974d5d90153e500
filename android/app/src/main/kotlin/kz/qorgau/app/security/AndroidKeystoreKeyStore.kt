package kz.qorgau.app.security

import android.content.SharedPreferences
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyInfo
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.UserNotAuthenticatedException
import kz.qorgau.ffi.KeyStoreException
import kz.qorgau.ffi.PlatformKeyStore
import java.security.KeyStore
import java.security.MessageDigest
import java.util.Base64
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.SecretKeyFactory
import javax.crypto.spec.GCMParameterSpec

/**
 * The device's [PlatformKeyStore]: wraps the store's secrets (data key, device signing key)
 * with a non-exportable AES-256-GCM key held by the Android Keystore (in StrongBox where the
 * phone has one, else in the TEE), usable only while the phone is unlocked (API 28+).
 *
 * Wrapped form: `IV (12 bytes) || ciphertext || GCM tag (16 bytes)`, with the core's alias
 * bound as associated data, so bytes wrapped for one alias do not unwrap for another.
 * Bytes this key store did not wrap (another phone, a reset keystore, a changed byte) fail
 * with [KeyStoreException.WrongKey]; the core then changes nothing.
 *
 * **Migration** (issue 11): a key keeps the properties it was made with, so a key made before
 * `setUnlockedDeviceRequired` stays unbound. `KeyInfo` does not say whether a key is bound, so
 * [records] say it: a key this class makes is recorded with its [KeySecurity] at once; a key
 * without a record is older. The first unwrap with such a key moves the secret to a new bound
 * key under [migratedEntry]: new key (StrongBox first), wrap, write the new wrapped bytes and the
 * digest of the core's bytes to [records], read them back and unwrap them, and only then delete
 * the old key. Any failure on the way drops the new key and the records and keeps the old key
 * (the open succeeds; the move is tried again at the next start). The core's own wrapped bytes
 * never change (it holds them and has no re-wrap call): after the move they unwrap through the
 * recorded copy, and only those exact bytes do.
 *
 * Nothing secret or personal ever appears in an exception message.
 */
class AndroidKeystoreKeyStore(
    private val records: KeyRecords,
    private val keys: KeyBackend = AndroidKeystoreBackend(),
    /** Prefix of the Keystore entry names; one Keystore key per core alias. */
    private val entryPrefix: String = "kz.qorgau.wrap.",
) : PlatformKeyStore {

    /** Records in the app's private preferences (no backup, see the manifest). */
    constructor(prefs: SharedPreferences) : this(SharedPreferencesRecords(prefs))

    private val lock = Any()

    override fun wrap(alias: String, secret: ByteArray): ByteArray = synchronized(lock) {
        keystoreCall("wrap") {
            val entry = entryName(alias)
            val key = keys.key(entry) ?: keys.create(entry, boundOnly = false).let { (key, security) ->
                // Recorded at set-up: what the key is, for the screen, and that it needs no move
                // (if the record cannot be written, the next start moves it to another bound key).
                records.write(securityRecord(alias, security))
                key
            }
            // New wrapped bytes: a copy moved for an earlier store under this alias is stale.
            if (records.get(FROM + alias) != null) {
                records.write(mapOf(FROM + alias to null, BLOB + alias to null))
                keys.delete(migratedEntry(alias))
            }
            seal(key, alias, secret)
        }
    }

    override fun unwrap(alias: String, wrapped: ByteArray): ByteArray = synchronized(lock) {
        keystoreCall("unwrap") {
            val moved = records.get(BLOB + alias)?.takeIf { records.get(FROM + alias) == digest(wrapped) }
            val movedKey = moved?.let { keys.key(migratedEntry(alias)) }
            if (moved != null && movedKey != null) return@keystoreCall open(movedKey, alias, Base64.getDecoder().decode(moved))

            // No key under this alias: the Keystore was reset, or the bytes come from another phone.
            val key = keys.key(entryName(alias)) ?: throw KeyStoreException.WrongKey()
            val secret = open(key, alias, wrapped)
            if (records.get(SECURITY + alias) == null) migrate(alias, key, wrapped, secret)
            secret
        }
    }

    /** What the key in use was made as (recorded at set-up or after the migration); null: a key
     *  made before records were kept, not moved yet. */
    fun security(): KeySecurity? = KeySecurity.decode(records.get(SECURITY))

    private fun migrate(alias: String, old: SecretKey, wrapped: ByteArray, secret: ByteArray) {
        if (!keys.canBind) {
            // API < 28: nothing to move to; record the old key as it is.
            records.write(securityRecord(alias, KeySecurity(strongBox = false, unlockedDeviceRequired = false, level = keys.level(old))))
            return
        }
        val entry = migratedEntry(alias)
        val drop = mapOf(FROM + alias to null, BLOB + alias to null, SECURITY + alias to null, SECURITY to records.get(SECURITY))
        try {
            keys.delete(entry) // a half-made one from an interrupted start
            val (key, security) = keys.create(entry, boundOnly = true)
            val blob = seal(key, alias, secret)
            val written = records.write(
                mapOf(FROM + alias to digest(wrapped), BLOB + alias to Base64.getEncoder().encodeToString(blob)) + securityRecord(alias, security),
            )
            check(written) { "records not written" }
            // Read back: the recorded bytes, through the key as the Keystore now returns it.
            val again = keys.key(entry) ?: error("new key missing")
            val stored = Base64.getDecoder().decode(records.get(BLOB + alias) ?: error("record missing"))
            check(open(again, alias, stored).contentEquals(secret)) { "read-back differs" }
        } catch (e: Exception) {
            records.write(drop)
            runCatching { keys.delete(entry) }
            return // the old key stays; tried again at the next start
        }
        runCatching { keys.delete(entryName(alias)) }
    }

    private fun securityRecord(alias: String, security: KeySecurity) =
        mapOf(SECURITY + alias to security.encode(), SECURITY to security.encode())

    private fun entryName(alias: String) = entryPrefix + alias

    /** The bound key a migrated alias moved to. */
    private fun migratedEntry(alias: String) = entryPrefix + "bound." + alias

    private fun seal(key: SecretKey, alias: String, secret: ByteArray): ByteArray {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        // Randomized encryption is enforced by the key: the Keystore picks the IV.
        cipher.init(Cipher.ENCRYPT_MODE, key)
        cipher.updateAAD(alias.toByteArray(Charsets.UTF_8))
        val iv = cipher.iv
        if (iv == null || iv.size != IV_BYTES) throw unavailable("unexpected GCM IV length ${iv?.size}")
        return iv + cipher.doFinal(secret)
    }

    private fun open(key: SecretKey, alias: String, wrapped: ByteArray): ByteArray {
        if (wrapped.size < IV_BYTES + TAG_BYTES) throw KeyStoreException.WrongKey()
        return try {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BYTES * 8, wrapped, 0, IV_BYTES))
            cipher.updateAAD(alias.toByteArray(Charsets.UTF_8))
            cipher.doFinal(wrapped, IV_BYTES, wrapped.size - IV_BYTES)
        } catch (e: AEADBadTagException) {
            throw KeyStoreException.WrongKey()
        } catch (e: KeyPermanentlyInvalidatedException) {
            // The key can never decrypt again (e.g. after a policy change): like a wrong key.
            throw KeyStoreException.WrongKey()
        }
    }

    private inline fun <T> keystoreCall(what: String, block: () -> T): T = try {
        block()
    } catch (e: KeyStoreException) {
        throw e
    } catch (e: UserNotAuthenticatedException) {
        // A bound key while the phone is locked.
        throw unavailable("device must be unlocked")
    } catch (e: Exception) {
        // Any provider failure (GeneralSecurityException, ProviderException, ...): the type only.
        throw unavailable("$what failed: ${e.javaClass.simpleName}")
    }

    private fun digest(bytes: ByteArray): String =
        MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }

    private fun unavailable(reason: String) = KeyStoreException.Unavailable(reason)

    private companion object {
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_BYTES = 12
        const val TAG_BYTES = 16
        const val SECURITY = "security"
        const val FROM = "migrated-from/"
        const val BLOB = "migrated-blob/"
    }
}

/** Where a wrapping key lives, as the Keystore says. */
enum class KeyLevel { STRONGBOX, TEE, SECURE_HARDWARE, SOFTWARE, UNKNOWN }

/** How a wrapping key was made: in StrongBox or not, bound to the unlocked device or not, and
 *  the Keystore's [level] (KeyInfo.securityLevel on API 31+, isInsideSecureHardware before). */
data class KeySecurity(val strongBox: Boolean, val unlockedDeviceRequired: Boolean, val level: KeyLevel) {
    fun encode(): String = "$level,$strongBox,$unlockedDeviceRequired"

    companion object {
        fun decode(s: String?): KeySecurity? {
            val parts = s?.split(',')?.takeIf { it.size == 3 } ?: return null
            val level = KeyLevel.entries.firstOrNull { it.name == parts[0] } ?: return null
            return KeySecurity(parts[1].toBooleanStrictOrNull() ?: return null, parts[2].toBooleanStrictOrNull() ?: return null, level)
        }
    }
}

/** The key store's own small records: app-private SharedPreferences on a phone. */
interface KeyRecords {
    fun get(name: String): String?

    /** Writes every value (null: removes it) at once and durably; false if it could not. */
    fun write(values: Map<String, String?>): Boolean
}

class SharedPreferencesRecords(private val prefs: SharedPreferences) : KeyRecords {
    override fun get(name: String): String? = prefs.getString(name, null)

    override fun write(values: Map<String, String?>): Boolean = prefs.edit().apply {
        values.forEach { (k, v) -> if (v == null) remove(k) else putString(k, v) }
    }.commit() // on disk before the key store goes on (the callers run off the main thread)
}

/** The Keystore operations the wrapping needs: the Android Keystore on a phone. */
interface KeyBackend {
    /** Keys can be bound to the unlocked device here (API 28+). */
    val canBind: Boolean

    fun key(entry: String): SecretKey?

    /** Makes a key under [entry], the strongest first, falling back on any failure; [boundOnly]:
     *  only keys bound to the unlocked device (a migration gains nothing otherwise). */
    fun create(entry: String, boundOnly: Boolean): Pair<SecretKey, KeySecurity>

    fun delete(entry: String)

    fun level(key: SecretKey): KeyLevel
}

class AndroidKeystoreBackend : KeyBackend {
    private val keyStore: KeyStore by lazy { KeyStore.getInstance(PROVIDER).apply { load(null) } }

    override val canBind: Boolean get() = Build.VERSION.SDK_INT >= Build.VERSION_CODES.P

    override fun key(entry: String): SecretKey? = (keyStore.getEntry(entry, null) as? KeyStore.SecretKeyEntry)?.secretKey

    override fun delete(entry: String) {
        if (keyStore.containsAlias(entry)) keyStore.deleteEntry(entry)
    }

    /**
     * Tries the strongest key first and falls back on any provider failure (caught broadly:
     * phones report a missing or failing StrongBox or lock-screen binding with
     * StrongBoxUnavailableException, ProviderException, KeyStoreException or others):
     * StrongBox + unlocked-device binding, TEE + binding, then (not [boundOnly]) TEE alone. A
     * half-made entry is deleted before the next attempt.
     */
    override fun create(entry: String, boundOnly: Boolean): Pair<SecretKey, KeySecurity> {
        val attempts = buildList {
            if (canBind) {
                add(true to true)
                add(false to true)
            }
            if (!boundOnly) add(false to false)
        }
        var last: Exception? = null
        for ((strongBox, bound) in attempts) {
            try {
                val key = generate(entry, strongBox, bound)
                return key to KeySecurity(strongBox, bound, level(key))
            } catch (e: Exception) {
                last = e
                runCatching { keyStore.deleteEntry(entry) }
            }
        }
        throw last ?: KeyStoreException.Unavailable("no key could be made")
    }

    /** The Keystore's own word on where a key lives. */
    override fun level(key: SecretKey): KeyLevel = try {
        val info = SecretKeyFactory.getInstance(key.algorithm, PROVIDER).getKeySpec(key, KeyInfo::class.java) as KeyInfo
        when {
            Build.VERSION.SDK_INT >= Build.VERSION_CODES.S -> when (info.securityLevel) {
                KeyProperties.SECURITY_LEVEL_STRONGBOX -> KeyLevel.STRONGBOX
                KeyProperties.SECURITY_LEVEL_TRUSTED_ENVIRONMENT -> KeyLevel.TEE
                KeyProperties.SECURITY_LEVEL_SOFTWARE -> KeyLevel.SOFTWARE
                else -> KeyLevel.UNKNOWN
            }
            @Suppress("DEPRECATION") info.isInsideSecureHardware -> KeyLevel.SECURE_HARDWARE
            else -> KeyLevel.SOFTWARE
        }
    } catch (e: Exception) {
        KeyLevel.UNKNOWN
    }

    private fun generate(entry: String, strongBox: Boolean, unlockedDeviceRequired: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(entry, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setKeySize(256)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setRandomizedEncryptionRequired(true)
            // Not tied to user authentication for now: the store is unlocked once when the app
            // starts, and phones are shared within a unit. When the unit's device policy
            // (MDM) settles PINs per profile, switch this to true with
            // setUserAuthenticationParameters(timeout, AUTH_DEVICE_CREDENTIAL or
            // AUTH_BIOMETRIC_STRONG) on API 30+ and map UserNotAuthenticatedException to a
            // prompt. Changing it needs a new key (the existing one keeps its properties).
            .setUserAuthenticationRequired(false)
            .apply {
                if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
                    if (strongBox) setIsStrongBoxBacked(true)
                    // Usable only while the phone is unlocked (issue 11).
                    if (unlockedDeviceRequired) setUnlockedDeviceRequired(true)
                }
            }
            .build()
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER)
        generator.init(spec)
        return generator.generateKey()
    }

    private companion object {
        const val PROVIDER = "AndroidKeyStore"
    }
}
