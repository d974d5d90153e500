package kz.qorgau.app.security

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyInfo
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.UserNotAuthenticatedException
import kz.qorgau.ffi.KeyStoreException
import kz.qorgau.ffi.PlatformKeyStore
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.ProviderException
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.SecretKeyFactory
import javax.crypto.spec.GCMParameterSpec

/**
 * The device's [PlatformKeyStore]: wraps the store's secrets (data key, device signing key)
 * with a non-exportable AES-256-GCM key held by the Android Keystore (in StrongBox where the
 * phone has one, else in the TEE).
 *
 * Wrapped form: `IV (12 bytes) || ciphertext || GCM tag (16 bytes)`, with the core's alias
 * bound as associated data, so bytes wrapped for one alias do not unwrap for another.
 * Bytes this key store did not wrap (another phone, a reset keystore, a changed byte) fail
 * with [KeyStoreException.WrongKey]; the core then changes nothing.
 *
 * Nothing secret or personal ever appears in an exception message.
 */
class AndroidKeystoreKeyStore(
    /** Prefix of the Keystore entry names; one Keystore key per core alias. */
    private val entryPrefix: String = "kz.qorgau.wrap.",
) : PlatformKeyStore {

    private val keyStore: KeyStore by lazy { KeyStore.getInstance(PROVIDER).apply { load(null) } }
    private val lock = Any()

    override fun wrap(alias: String, secret: ByteArray): ByteArray = synchronized(lock) {
        try {
            val key = existingKey(alias) ?: createKey(alias)
            val cipher = Cipher.getInstance(TRANSFORMATION)
            // Randomized encryption is enforced by the key: the Keystore picks the IV.
            cipher.init(Cipher.ENCRYPT_MODE, key)
            cipher.updateAAD(alias.toByteArray(Charsets.UTF_8))
            val iv = cipher.iv
            if (iv == null || iv.size != IV_BYTES) throw unavailable("unexpected GCM IV length ${iv?.size}")
            iv + cipher.doFinal(secret)
        } catch (e: KeyStoreException) {
            throw e
        } catch (e: UserNotAuthenticatedException) {
            throw unavailable("device must be unlocked")
        } catch (e: GeneralSecurityException) {
            throw unavailable("wrap failed: ${e.javaClass.simpleName}")
        } catch (e: ProviderException) {
            throw unavailable("wrap failed: ${e.javaClass.simpleName}")
        }
    }

    override fun unwrap(alias: String, wrapped: ByteArray): ByteArray = synchronized(lock) {
        // No key under this alias: the Keystore was reset, or the bytes come from another phone.
        val key = try {
            existingKey(alias)
        } catch (e: GeneralSecurityException) {
            throw unavailable("key lookup failed: ${e.javaClass.simpleName}")
        } ?: throw KeyStoreException.WrongKey()
        if (wrapped.size < IV_BYTES + TAG_BYTES) throw KeyStoreException.WrongKey()
        try {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BYTES * 8, wrapped, 0, IV_BYTES))
            cipher.updateAAD(alias.toByteArray(Charsets.UTF_8))
            cipher.doFinal(wrapped, IV_BYTES, wrapped.size - IV_BYTES)
        } catch (e: AEADBadTagException) {
            throw KeyStoreException.WrongKey()
        } catch (e: KeyPermanentlyInvalidatedException) {
            // The key can never decrypt again (e.g. after a policy change): like a wrong key.
            throw KeyStoreException.WrongKey()
        } catch (e: UserNotAuthenticatedException) {
            throw unavailable("device must be unlocked")
        } catch (e: GeneralSecurityException) {
            throw unavailable("unwrap failed: ${e.javaClass.simpleName}")
        } catch (e: ProviderException) {
            throw unavailable("unwrap failed: ${e.javaClass.simpleName}")
        }
    }

    private fun entryName(alias: String) = entryPrefix + alias

    private fun existingKey(alias: String): SecretKey? =
        (keyStore.getEntry(entryName(alias), null) as? KeyStore.SecretKeyEntry)?.secretKey

    /** How the key made by this process was made (null: the key existed already). */
    @Volatile var createdWith: KeySecurity? = null
        private set

    /**
     * Tries the strongest key first and falls back on any provider failure (caught broadly:
     * phones report a missing or failing StrongBox or lock-screen binding with
     * StrongBoxUnavailableException, ProviderException, KeyStoreException or others):
     * StrongBox + unlocked-device binding, TEE + binding, TEE alone. A half-made entry is
     * deleted before the next attempt. What was made is kept in [createdWith].
     */
    private fun createKey(alias: String): SecretKey {
        val attempts = buildList {
            if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
                add(true to true)
                add(false to true)
            }
            add(false to false)
        }
        var last: Exception? = null
        for ((strongBox, unlocked) in attempts) {
            try {
                val key = generate(alias, strongBox, unlocked)
                createdWith = KeySecurity(strongBox, unlocked, securityLevelOf(key))
                return key
            } catch (e: Exception) {
                last = e
                runCatching { keyStore.deleteEntry(entryName(alias)) }
            }
        }
        throw last ?: unavailable("no key could be made")
    }

    /** The Keystore's own word on where a key lives (API 31+: KeyInfo.securityLevel). */
    private fun securityLevelOf(key: SecretKey): String = try {
        val info = SecretKeyFactory.getInstance(key.algorithm, PROVIDER).getKeySpec(key, KeyInfo::class.java) as KeyInfo
        when {
            Build.VERSION.SDK_INT >= Build.VERSION_CODES.S -> when (info.securityLevel) {
                KeyProperties.SECURITY_LEVEL_STRONGBOX -> "strongbox"
                KeyProperties.SECURITY_LEVEL_TRUSTED_ENVIRONMENT -> "tee"
                KeyProperties.SECURITY_LEVEL_SOFTWARE -> "software"
                else -> "unknown"
            }
            @Suppress("DEPRECATION") info.isInsideSecureHardware -> "secure hardware"
            else -> "software"
        }
    } catch (e: Exception) {
        "unknown"
    }

    private fun generate(alias: String, strongBox: Boolean, unlockedDeviceRequired: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(
            entryName(alias),
            KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT,
        )
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
                    // Usable only while the phone is unlocked (issue 11). Keys made before this
                    // keep their properties: see "Keystore" in android/README.md (migration).
                    if (unlockedDeviceRequired) setUnlockedDeviceRequired(true)
                }
            }
            .build()
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, PROVIDER)
        generator.init(spec)
        return generator.generateKey()
    }

    private fun unavailable(reason: String) = KeyStoreException.Unavailable(reason)

    private companion object {
        const val PROVIDER = "AndroidKeyStore"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_BYTES = 12
        const val TAG_BYTES = 16
    }
}

/** How a wrapping key was made: in StrongBox or not, bound to the unlocked device or not, and
 *  the Keystore's security level ("strongbox", "tee", "software", "secure hardware", "unknown"). */
data class KeySecurity(val strongBox: Boolean, val unlockedDeviceRequired: Boolean, val level: String)
