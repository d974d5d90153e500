package kz.qorgau.app.capture

import android.Manifest
import android.annotation.SuppressLint
import android.content.Context
import android.content.pm.PackageManager
import android.location.Location
import android.location.LocationListener
import android.location.LocationManager
import android.os.Bundle
import android.os.Looper
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withTimeoutOrNull
import kz.qorgau.ffi.GeoPoint
import kotlin.coroutines.resume

/**
 * The phone's position for a new case and for each capture, from [LocationManager] only (GPS
 * works offline; no Play services needed). Returns null without permission, with location
 * off, or when no fix arrives in time: the officer then types the address.
 */
class LocationReader(private val context: Context) {
    private val manager: LocationManager? = context.getSystemService(LocationManager::class.java)

    fun hasPermission(): Boolean =
        context.checkSelfPermission(Manifest.permission.ACCESS_FINE_LOCATION) == PackageManager.PERMISSION_GRANTED ||
            context.checkSelfPermission(Manifest.permission.ACCESS_COARSE_LOCATION) == PackageManager.PERMISSION_GRANTED

    /** A fix no older than [maxAgeMs], else the next one within [timeoutMs], else null. */
    @SuppressLint("MissingPermission") // checked by hasPermission()
    suspend fun current(maxAgeMs: Long = 120_000, timeoutMs: Long = 20_000): GeoPoint? {
        val lm = manager ?: return null
        if (!hasPermission()) return null
        val providers = listOf(LocationManager.GPS_PROVIDER, LocationManager.NETWORK_PROVIDER)
            .filter { runCatching { lm.isProviderEnabled(it) }.getOrDefault(false) }
        if (providers.isEmpty()) return null

        val now = System.currentTimeMillis()
        providers.mapNotNull { runCatching { lm.getLastKnownLocation(it) }.getOrNull() }
            .filter { now - it.time <= maxAgeMs }
            .minByOrNull { if (it.hasAccuracy()) it.accuracy else Float.MAX_VALUE }
            ?.let { return it.toGeoPoint() }

        return withTimeoutOrNull(timeoutMs) {
            suspendCancellableCoroutine { cont ->
                // All four methods are implemented: below API 30 they are abstract, and a
                // missing one would crash when the framework calls it.
                val listener = object : LocationListener {
                    override fun onLocationChanged(location: Location) {
                        lm.removeUpdates(this)
                        if (cont.isActive) cont.resume(location.toGeoPoint())
                    }
                    override fun onProviderEnabled(provider: String) {}
                    override fun onProviderDisabled(provider: String) {}
                    @Deprecated("Deprecated in API 29")
                    override fun onStatusChanged(provider: String?, status: Int, extras: Bundle?) {}
                }
                providers.forEach { lm.requestLocationUpdates(it, 0L, 0f, listener, Looper.getMainLooper()) }
                cont.invokeOnCancellation { lm.removeUpdates(listener) }
            }
        }
    }
}

fun Location.toGeoPoint() = GeoPoint(latitude, longitude, if (hasAccuracy()) accuracy.toDouble() else 0.0)
