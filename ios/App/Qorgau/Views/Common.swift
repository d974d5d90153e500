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

    static func referralKind(_ k: ReferralKind) -> String {
        switch k {
        case .crisisCentre: return string("refkind.crisisCentre")
        case .shelter: return string("refkind.shelter")
        case .legalAid: return string("refkind.legalAid")
        case .psychologist: return string("refkind.psychologist")
        case .medical: return string("refkind.medical")
        }
    }

    static func referralStatus(_ s: ReferralStatus) -> String {
        switch s {
        case .proposed: return string("refstatus.proposed")
        case .accepted: return string("refstatus.accepted")
        case .inProgress: return string("refstatus.inProgress")
        case .completed: return string("refstatus.completed")
        case .declined: return string("refstatus.declined")
        case .cancelled: return string("refstatus.cancelled")
        }
    }

    static func interventionKind(_ k: InterventionKind) -> String {
        switch k {
        case .preventiveTalk: return string("ikind.preventiveTalk")
        case .homeVisit: return string("ikind.homeVisit")
        case .orderCheck: return string("ikind.orderCheck")
        case .officialWarning: return string("ikind.officialWarning")
        case .correctionalProgramme: return string("ikind.correctionalProgramme")
        case .other: return string("ikind.other")
        }
    }

    static func answer(_ a: Answer) -> String {
        switch a {
        case .yes: return string("answer.yes")
        case .no: return string("answer.no")
        case .dontKnow: return string("answer.dontKnow")
        }
    }

    static func orderState(_ s: OrderState) -> String {
        switch s {
        case .awaitingService: return string("orderstate.awaitingService")
        case .inForce: return string("orderstate.inForce")
        case .expired: return string("orderstate.expired")
        case .revoked: return string("orderstate.revoked")
        }
    }

    static func orderCopy(_ c: OrderCopy) -> String {
        switch c {
        case .served: return string("ordercopy.served")
        case .policeFile: return string("ordercopy.policeFile")
        }
    }
}

/// A person's name with their role, for pickers.
func personLabel(_ p: Person) -> String {
    p.identityProtected ? L10n.string("people.protected") : "\(p.fullName) · \(L10n.role(p.role))"
}

/// A calendar date from a date picker ("YYYY-MM-DD" components in the Gregorian calendar).
func dayComponents(_ date: Date) -> DateComponents {
    Dates.gregorian.dateComponents([.year, .month, .day], from: date)
}

/// A date picker's value from components (today if incomplete).
func pickerDate(_ c: DateComponents?) -> Date {
    c.flatMap { Dates.gregorian.date(from: $0) } ?? Date()
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
