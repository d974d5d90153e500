#if canImport(CoreLocation) && canImport(UIKit)
import CoreLocation
import Foundation
import QorgauFFI

/// One GPS fix on request (the scene of a case, where evidence was captured).
@MainActor
final class LocationFix: NSObject, ObservableObject, CLLocationManagerDelegate {
    private let manager = CLLocationManager()
    private var waiting: [CheckedContinuation<GeoPoint?, Never>] = []

    override init() {
        super.init()
        manager.delegate = self
        manager.desiredAccuracy = kCLLocationAccuracyBest
    }

    /// The current position, or nil when location is off or refused.
    func current() async -> GeoPoint? {
        if manager.authorizationStatus == .notDetermined {
            manager.requestWhenInUseAuthorization()
        }
        return await withCheckedContinuation { c in
            waiting.append(c)
            manager.requestLocation()
        }
    }

    private func finish(_ point: GeoPoint?) {
        let w = waiting
        waiting = []
        w.forEach { $0.resume(returning: point) }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        guard let l = locations.last else { return }
        let point = GeoPoint(lat: l.coordinate.latitude, lon: l.coordinate.longitude, accuracyM: max(0, l.horizontalAccuracy))
        Task { @MainActor in self.finish(point) }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        Task { @MainActor in self.finish(nil) }
    }
}
#endif
