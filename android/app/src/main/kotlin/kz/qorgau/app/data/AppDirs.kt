package kz.qorgau.app.data

import android.content.Context
import java.io.File

/**
 * Where the app keeps its files, all under [Context.getNoBackupFilesDir]: never in a backup,
 * never on shared storage, removed with the app.
 *
 *  - `store/`    the encrypted store (SQLite + encrypted blobs) opened by FieldSession
 *  - `captures/<case id>/`  a photo, video or audio file between the camera/microphone and
 *                the store; deleted as soon as the core has stored it (see IngestQueue)
 *  - `exports/`  court bundles written by export (personal data in clear; for the court file)
 *  - `documents/` printable protection orders (PDF, personal data in clear), opened or shared
 *                through the FileProvider (res/xml/document_paths.xml); purged after a day
 *  - `incoming/` a registry file brought by hand, copied from the file picker for the core to
 *                import, deleted right after (StationKeyModel)
 */
class AppDirs(root: File) {
    val store = File(root, "store")
    val captures = File(root, "captures")
    val exports = File(root, "exports")
    val documents = File(root, "documents")
    val incoming = File(root, "incoming")

    companion object {
        fun of(context: Context) = AppDirs(context.noBackupFilesDir)
    }
}
