#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

struct PeopleView: View {
    @StateObject private var vm: PeopleViewModel
    @State private var hasDateOfBirth = false
    @State private var dateOfBirth = Date()

    init(session: FieldSession, caseId: Uuid, language: Language) {
        _vm = StateObject(wrappedValue: PeopleViewModel(session: session, caseId: caseId, language: language))
    }

    var body: some View {
        Form {
            Section("people.onCase") {
                ForEach(vm.people) { p in
                    VStack(alignment: .leading) {
                        Text(p.identityProtected ? L10n.string("people.protected") : p.fullName).privacySensitive()
                        Text(L10n.role(p.role) + (p.dateOfBirth.map { " · \($0)" } ?? ""))
                            .font(.caption).foregroundStyle(.secondary)
                    }
                }
            }
            Section("people.add") {
                Picker("person.role", selection: $vm.role) {
                    ForEach(PersonRole.allInOrder, id: \.self) { Text(L10n.role($0)).tag($0) }
                }
                TextField("person.fullName", text: $vm.fullName).noKeyboardLearning().privacySensitive()
                TextField("person.iin", text: $vm.iin).noKeyboardLearning().keyboardType(.numberPad).privacySensitive()
                IinStatusLine(status: vm.iinStatus)
                if vm.iin.isEmpty {
                    Toggle("person.hasDateOfBirth", isOn: $hasDateOfBirth)
                    if hasDateOfBirth {
                        DatePicker("person.dateOfBirth", selection: $dateOfBirth, in: ...Date(), displayedComponents: .date)
                    }
                }
                TextField("person.relation", text: $vm.relationToSurvivor).noKeyboardLearning()
                TextField("person.phone", text: $vm.phone).noKeyboardLearning().keyboardType(.phonePad).privacySensitive()
                TextField("person.address", text: $vm.address, axis: .vertical).noKeyboardLearning().privacySensitive()
                Toggle("person.addressConfidential", isOn: $vm.addressConfidential)
                if vm.role == .witness {
                    Toggle("person.identityProtected", isOn: $vm.identityProtected)
                }
                ErrorBanner(error: vm.error)
                Button("people.addButton") {
                    vm.dateOfBirth = hasDateOfBirth && vm.iin.isEmpty
                        ? Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: dateOfBirth)
                        : nil
                    Task { if await vm.add() != nil { hasDateOfBirth = false } }
                }
                .disabled(!vm.canAdd)
            }
        }
        .navigationTitle("people.title")
        .quickHideItem()
        .task { await vm.load() }
    }
}
#endif
