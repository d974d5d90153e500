package kz.qorgau.core

import kz.qorgau.ffi.KeyStoreException
import kz.qorgau.ffi.PlatformKeyStore
import java.security.SecureRandom
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * A Kotlin key store for tests: AES-256-GCM under a key held in memory, the alias bound as
 * associated data, as the Android Keystore implementation does with a hardware key.
 */
class TestKeyStore : PlatformKeyStore {
    private val key: SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
    var wrapCalls = 0
        private set
    var unwrapCalls = 0
        private set

    override fun wrap(alias: String, secret: ByteArray): ByteArray {
        wrapCalls++
        val iv = ByteArray(12).also { SecureRandom().nextBytes(it) }
        val c = Cipher.getInstance("AES/GCM/NoPadding")
        c.init(Cipher.ENCRYPT_MODE, key, GCMParameterSpec(128, iv))
        c.updateAAD(alias.toByteArray())
        return iv + c.doFinal(secret)
    }

    override fun unwrap(alias: String, wrapped: ByteArray): ByteArray {
        unwrapCalls++
        if (wrapped.size < 28) throw KeyStoreException.WrongKey()
        val c = Cipher.getInstance("AES/GCM/NoPadding")
        c.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(128, wrapped.copyOfRange(0, 12)))
        c.updateAAD(alias.toByteArray())
        return try {
            c.doFinal(wrapped.copyOfRange(12, wrapped.size))
        } catch (e: AEADBadTagException) {
            throw KeyStoreException.WrongKey()
        }
    }
}
