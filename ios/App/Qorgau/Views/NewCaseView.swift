#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

struct NewCaseView: View {
    @StateObject private var vm: NewCaseViewModel
    @StateObject private var location = LocationFix()
    @Environment(\.dismiss) private var dismiss
    let onOpened: (RecordedCase) -> Void

    @State private var memberRole: TeamRole = .psychologist
    @State private var memberName = ""
    @State private var memberBadge = ""

    init(session: FieldSession, language: Language, onOpened: @escaping (RecordedCase) -> Void) {
        _vm = StateObject(wrappedValue: NewCaseViewModel(session: session, language: language))
        self.onOpened = onOpened
    }

    var body: some View {
        NavigationStack {
            Form {
                Section("newCase.trigger") {
                    Picker("newCase.trigger", selection: $vm.trigger) {
                        ForEach(Trigger.allInOrder, id: \.self) { Text(L10n.trigger($0)).tag($0) }
                    }
                }
                Section("newCase.categories") {
                    ForEach(CaseCategory.allInOrder, id: \.self) { c in
                        Toggle(L10n.category(c), isOn: Binding(
                            get: { vm.categories.contains(c) },
                            set: { on in if on { vm.categories.insert(c) } else { vm.categories.remove(c) } }
                        ))
                    }
                }
                Section("newCase.location") {
                    if let gps = vm.gps {
                        Text(String(format: "%.5f, %.5f ± %.0f m", gps.lat, gps.lon, gps.accuracyM)).font(.callout.monospaced())
                    }
                    Button { Task { vm.gps = await location.current() } } label: {
                        Label("newCase.useGps", systemImage: "location")
                    }
                    TextField("newCase.address", text: $vm.address, axis: .vertical).noKeyboardLearning().privacySensitive()
                }
                Section("newCase.team") {
                    ForEach(vm.team, id: \.badge) { m in
                        Text("\(L10n.teamRole(m.role)): \(m.name) (\(m.badge))")
                    }
                    Picker("newCase.memberRole", selection: $memberRole) {
                        ForEach([TeamRole.officer, .psychologist, .socialWorker, .supervisor], id: \.self) { Text(L10n.teamRole($0)).tag($0) }
                    }
                    TextField("newCase.memberName", text: $memberName).noKeyboardLearning()
                    TextField("newCase.memberBadge", text: $memberBadge).noKeyboardLearning().textInputAutocapitalization(.characters)
                    Button("newCase.addMember") {
                        vm.addTeamMember(role: memberRole, name: memberName, badge: memberBadge)
                        memberName = ""; memberBadge = ""
                    }
                    .disabled(memberName.isEmpty || memberBadge.isEmpty)
                }
                Section("newCase.survivor") {
                    TextField("person.fullName", text: $vm.survivorName).noKeyboardLearning().privacySensitive()
                    TextField("person.iin", text: $vm.survivorIin).noKeyboardLearning().keyboardType(.numberPad).privacySensitive()
                    IinStatusLine(status: vm.survivorIinStatus)
                }
                Section("newCase.summary") {
                    TextField("newCase.summary", text: $vm.summary, axis: .vertical).noKeyboardLearning().privacySensitive()
                }
                ErrorBanner(error: vm.error)
            }
            .navigationTitle("newCase.title")
            .quickHideItem()
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("common.cancel") { dismiss() } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("newCase.open") {
                        Task {
                            if let opened = await vm.submit() { onOpened(opened) }
                        }
                    }
                    .disabled(!vm.canSubmit)
                }
            }
        }
    }
}
#endif
