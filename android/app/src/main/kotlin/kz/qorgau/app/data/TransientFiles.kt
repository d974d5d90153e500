package kz.qorgau.app.data

import java.io.File

/**
 * Files that left the store in clear — court bundles in `exports/`, printed orders in
 * `documents/` — deleted whenever the session locks (sign-out, background, idle, quick-hide:
 * SessionGateModel's onLocked) and by age at start ([OrderDocuments.purge]). Another person
 * picking up the phone finds none of them.
 */
class TransientFiles(private vararg val dirs: File) {
    /** Deletes everything under each directory (the directories stay); the number of files. */
    fun purgeAll(): Int {
        var n = 0
        for (dir in dirs) {
            dir.listFiles()?.forEach { f ->
                n += f.walkBottomUp().count { it.isFile }
                f.deleteRecursively()
            }
        }
        return n
    }
}
