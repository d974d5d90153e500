package kz.qorgau.app.model

import kz.qorgau.ffi.DeviceTime
import kz.qorgau.ffi.GeoPoint
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.OffsetDateTime
import java.time.ZoneId
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.time.format.DateTimeParseException
import java.util.Locale

/** Display formats shared by the screens (no personal data is formatted here). */
object Format {
    private val dateTime = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)

    /** The device time as recorded, with its UTC offset (a wrong phone clock stays visible). */
    fun deviceTime(t: DeviceTime): String {
        val offset = ZoneOffset.ofTotalSeconds(t.utcOffsetMin * 60)
        return dateTime.format(t.utc.atOffset(offset)) + " UTC" + if (offset == ZoneOffset.UTC) "" else offset.id
    }

    fun point(p: GeoPoint): String =
        String.format(Locale.ROOT, "%.5f, %.5f ±%.0f m", p.lat, p.lon, p.accuracyM)

    fun bytes(n: Long): String = when {
        n >= 1L shl 30 -> String.format(Locale.ROOT, "%.2f GB", n / (1L shl 30).toDouble())
        n >= 1L shl 20 -> String.format(Locale.ROOT, "%.1f MB", n / (1L shl 20).toDouble())
        n >= 1L shl 10 -> String.format(Locale.ROOT, "%.0f KB", n / (1L shl 10).toDouble())
        else -> "$n B"
    }

    /** An instant in the phone's time zone (validity of orders, lock-outs). */
    fun instant(t: Instant, zone: ZoneId = ZoneId.systemDefault()): String = dateTime.format(t.atZone(zone))

    /** A date typed as YYYY-MM-DD, or null. */
    fun parseDate(text: String): LocalDate? = try {
        LocalDate.parse(text.trim())
    } catch (e: DateTimeParseException) {
        null
    }

    /** A local date and time typed as "YYYY-MM-DD HH:mm" in [zone], or null. */
    fun parseLocalDateTime(text: String, zone: ZoneId = ZoneId.systemDefault()): Instant? = try {
        LocalDateTime.parse(text.trim(), dateTime).atZone(zone).toInstant()
    } catch (e: DateTimeParseException) {
        null
    }

    /** An RFC 3339 time from the core (a lock-out's end), or null. */
    fun parseRfc3339(text: String): Instant? = try {
        OffsetDateTime.parse(text).toInstant()
    } catch (e: DateTimeParseException) {
        null
    }

    /** First 16 hex digits of a SHA-256, grouped, for reading aloud or comparing by eye. */
    fun shortHash(hex: String): String = hex.take(16).chunked(4).joinToString(" ")
}
