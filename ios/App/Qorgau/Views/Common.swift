#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

/// Labels of the core's enums, from Localizable.strings (kk / ru / en).
enum L10n {
    static func string(_ key: String) -> String { NSLocalizedString(key, comment: "") }

    static func trigger(_ t: Trigger) -> String {
        switch t {
        case .survivorCall: return string("trigger.survivorCall")
        case .witnessReport: return string("trigger.witnessReport")
        case .videoRecord: return string("trigger.videoRecord")
        case .officerObserved: return string("trigger.officerObserved")
        case .agencyReferral: return string("trigger.agencyReferral")
        }
    }

    static func category(_ c: CaseCategory) -> String {
        switch c {
        case .physical: return string("category.physical")
        case .psychological: return string("category.psychological")
        case .sexual: return string("category.sexual")
        case .economic: return string("category.economic")
        case .stalking: return string("category.stalking")
        case .forcedMarriage: return string("category.forcedMarriage")
        case .childInvolved: return string("category.childInvolved")
        }
    }

    static func role(_ r: PersonRole) -> String {
        switch r {
        case .survivor: return string("role.survivor")
        case .allegedAggressor: return string("role.allegedAggressor")
        case .witness: return string("role.witness")
        case .child: return string("role.child")
        case .other: return string("role.other")
        }
    }

    static func teamRole(_ r: TeamRole) -> String {
        switch r {
        case .officer: return string("team.officer")
        case .psychologist: return string("team.psychologist")
        case .socialWorker: return string("team.socialWorker")
        case .supervisor: return string("team.supervisor")
        }
    }

    static func media(_ k: MediaKind) -> String {
        switch k {
        case .photo: return string("media.photo")
        case .video: return string("media.video")
        case .audio: return string("media.audio")
        }
    }

    static func status(_ s: CaseStatus) -> String {
        switch s {
        case .open: return string("status.open")
        case .closed: return string("status.closed")
        }
    }
}

/// An error shown in place (no alert to dismiss at a scene).
struct ErrorBanner: View {
    let error: QorgauAppError?

    var body: some View {
        if let error {
            Label(error.message, systemImage: error.isSecurityFailure ? "lock.trianglebadge.exclamationmark" : "exclamationmark.triangle")
                .foregroundStyle(.red)
                .font(.callout)
        }
    }
}

/// The status line under an IIN field.
struct IinStatusLine: View {
    let status: IinStatus

    var body: some View {
        switch status {
        case .empty:
            EmptyView()
        case let .incomplete(digits):
            Text(String(format: L10n.string("iin.incomplete %lld"), digits)).font(.caption).foregroundStyle(.secondary)
        case .valid:
            Label("iin.valid", systemImage: "checkmark.circle").font(.caption).foregroundStyle(.green)
        case let .invalid(message):
            Label(message, systemImage: "xmark.circle").font(.caption).foregroundStyle(.red)
        }
    }
}

/// Identifies a case in navigation.
struct CaseRef: Hashable {
    let id: Uuid
}
#endif
