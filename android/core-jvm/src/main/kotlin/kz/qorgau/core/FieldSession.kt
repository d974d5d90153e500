package kz.qorgau.core

import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.PlatformKeyStore
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.QorgauStore
import java.io.File

/**
 * The app's handle on the device store: opens it, or creates it on first start. Everything
 * else goes through [store]. Platform-neutral (plain JVM), so it is tested on the JVM and
 * used unchanged by the Android app.
 */
class FieldSession private constructor(val store: QorgauStore, val directory: File) : AutoCloseable {
    companion object {
        /** Opens the store in [directory], or initialises it with [profile] if it has none yet. */
        fun openOrInit(directory: File, keyStore: PlatformKeyStore, profile: DeviceProfile): FieldSession {
            val dbFile = File(directory, "qorgau.db")
            val store = if (dbFile.exists()) {
                QorgauStore.open(directory.path, keyStore)
            } else {
                QorgauStore.create(directory.path, keyStore, profile)
            }
            return FieldSession(store, directory)
        }

        /** Opens an existing store; fails with [QorgauException.NotInitialised] if there is none. */
        fun open(directory: File, keyStore: PlatformKeyStore): FieldSession =
            FieldSession(QorgauStore.open(directory.path, keyStore), directory)
    }

    /** Badge number of this device's officer: the default "taken by" of statements. */
    val officerBadge: String get() = store.device().profile.officer.badge

    override fun close() = store.close()
}
