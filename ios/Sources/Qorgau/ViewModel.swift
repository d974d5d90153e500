import Foundation
import QorgauFFI
#if canImport(Combine)
import Combine
#endif

/// Base of the view models: plain main-actor classes that tell observers before and after a
/// change. On Apple platforms they are `ObservableObject`s (SwiftUI observes `objectWillChange`);
/// on Linux, where Combine does not exist, tests observe `onChange`.
@MainActor
open class ViewModel {
    /// Called after any published property changed.
    public var onChange: (() -> Void)?

    #if canImport(Combine)
    public let objectWillChange = ObservableObjectPublisher()
    #endif

    public init() {
        LiveViewModels.add(self)
    }

    /// Drops everything loaded or typed (names, notes, addresses, PINs, documents): called on
    /// every lock by `SessionGate`. The screen shows nothing until it loads again.
    open func forget() {}

    func willChange() {
        #if canImport(Combine)
        objectWillChange.send()
        #endif
    }

    func didChange() {
        onChange?()
    }

    /// Applies `change` between one `willChange` and one `didChange`.
    final func mutate(_ change: () -> Void) {
        willChange()
        change()
        didChange()
    }
}

#if canImport(Combine)
extension ViewModel: ObservableObject {}
#endif

/// The state of a one-shot operation shown on a screen.
public enum Phase<Value: Sendable>: Sendable {
    case idle
    case working
    case done(Value)
    case failed(QorgauAppError)

    public var value: Value? {
        if case let .done(v) = self { return v }
        return nil
    }

    public var error: QorgauAppError? {
        if case let .failed(e) = self { return e }
        return nil
    }

    public var isWorking: Bool {
        if case .working = self { return true }
        return false
    }
}

extension Phase: Equatable where Value: Equatable {}
