import Foundation
import QorgauFFI

/// The cases on the device, newest first.
@MainActor
public final class CaseListViewModel: ViewModel {
    public let session: FieldSession
    public var language: Language

    public private(set) var cases: [CaseSummary] = []
    public private(set) var isLoading = false
    public private(set) var error: QorgauAppError?

    /// Drops everything loaded or typed (a lock: `SessionGate`).
    public override func forget() {
        mutate {
            cases = []
            error = nil
            isLoading = false
        }
    }

    public init(session: FieldSession, language: Language = .preferred()) {
        self.session = session
        self.language = language
    }

    public func refresh() async {
        update { isLoading = true; error = nil }
        do {
            let list = try await session.perform { try $0.listCases() }
            update { cases = list; isLoading = false }
        } catch {
            update { self.error = QorgauAppError(error, language: language); isLoading = false }
        }
    }

    public var openCases: [CaseSummary] { cases.filter { $0.status == .open } }

    func update(_ change: () -> Void) {
        willChange()
        change()
        didChange()
    }
}

extension CaseSummary: Identifiable {
    public var id: Uuid { `case`.id }
}
