package kz.qorgau.app.data

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import kz.qorgau.core.FieldSession
import kz.qorgau.ffi.Language
import kz.qorgau.ffi.NewOrder
import kz.qorgau.ffi.OrderCopy
import kz.qorgau.ffi.OrderRules
import kz.qorgau.ffi.OrderStatus
import kz.qorgau.ffi.RecordedOrder
import kz.qorgau.ffi.RecordedOrderEvent
import kz.qorgau.ffi.ServeOrder
import kz.qorgau.ffi.Uuid
import kz.qorgau.ffi.VerifiedOrderCode
import java.io.File
import java.time.Instant

/**
 * Protection orders: the rule table, issue, serve, extend, revoke, violations, the signed QR
 * code and the printable PDF. Every call on [io]; failures are the core's QorgauException.
 */
class OrderRepository(
    private val session: () -> FieldSession,
    private val documents: OrderDocuments,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val store get() = session().store

    /** Terms and prohibitions (with kk/ru/en wording) in force on this phone. */
    suspend fun rules(): OrderRules = withContext(io) { store.orderRules() }

    suspend fun issue(caseId: Uuid, order: NewOrder): RecordedOrder = withContext(io) { store.issueOrder(caseId, order) }

    suspend fun status(orderId: Uuid): OrderStatus = withContext(io) { store.orderStatus(orderId) }

    suspend fun ofCase(caseId: Uuid): List<OrderStatus> = withContext(io) { store.ordersOfCase(caseId) }

    suspend fun serve(orderId: Uuid, how: ServeOrder): RecordedOrderEvent = withContext(io) { store.serveOrder(orderId, how) }

    suspend fun extend(orderId: Uuid, until: Instant, reason: String): RecordedOrderEvent =
        withContext(io) { store.extendOrder(orderId, until, reason) }

    suspend fun revoke(orderId: Uuid, reason: String): RecordedOrderEvent = withContext(io) { store.revokeOrder(orderId, reason) }

    suspend fun violation(orderId: Uuid, description: String, occurredAt: Instant): RecordedOrderEvent =
        withContext(io) { store.recordViolation(orderId, description, occurredAt) }

    suspend fun qrText(orderId: Uuid): String = withContext(io) { store.orderQrText(orderId) }

    /** The QR code as PNG, [scale] pixels per module. */
    suspend fun qrPng(orderId: Uuid, scale: Int = 8): ByteArray = withContext(io) { store.orderQrPng(orderId, scale.toUInt()) }

    /**
     * Verifies a scanned code offline (signature, signer known and not revoked, not expired);
     * a refusal is `QorgauException.InvalidQr` with its typed `rejection`.
     */
    suspend fun verifyQr(text: String): VerifiedOrderCode = withContext(io) { store.verifyOrderQr(text.trim()) }

    /** Renders the order (one page per language) and writes it under the documents dir. */
    suspend fun pdf(orderId: Uuid, number: String, copy: OrderCopy, languages: List<Language>): File = withContext(io) {
        documents.write(number, copy, languages, store.orderPdf(orderId, copy, languages))
    }
}

/**
 * Printable orders on the phone: `noBackupFilesDir/documents/`, shared only through the
 * FileProvider with a read grant. They hold personal data in clear (the police copy has the
 * addresses that are not confidential), so they are written atomically, never kept under a
 * name that says more than the order number, and [purge]d a day after they were made.
 */
class OrderDocuments(private val dir: File) {
    fun fileName(number: String, copy: OrderCopy, languages: List<Language>): String {
        val safe = number.map { if (it.isLetterOrDigit() || it == '-') it else '_' }.joinToString("")
        val which = when (copy) {
            OrderCopy.SERVED -> "served"
            OrderCopy.POLICE_FILE -> "police"
        }
        return "$safe-$which-${languages.joinToString("-") { it.name.lowercase() }}.pdf"
    }

    fun write(number: String, copy: OrderCopy, languages: List<Language>, pdf: ByteArray): File {
        dir.mkdirs()
        val target = File(dir, fileName(number, copy, languages))
        val tmp = File(dir, target.name + ".part")
        tmp.outputStream().use { out ->
            out.write(pdf)
            out.fd.sync()
        }
        if (!tmp.renameTo(target)) {
            tmp.delete()
            throw java.io.IOException("could not write ${target.name}")
        }
        return target
    }

    /** Deletes documents older than [maxAgeMs] (and any half-written ones). */
    fun purge(maxAgeMs: Long = 24L * 3600 * 1000, now: Long = System.currentTimeMillis()) {
        dir.listFiles()?.forEach { f ->
            if (f.name.endsWith(".part") || now - f.lastModified() > maxAgeMs) f.delete()
        }
    }
}
