#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import UniformTypeIdentifiers
import Qorgau
import QorgauFFI

/// "Check a person" at the scene, offline: by IIN, or by name and date of birth (then the
/// officer compares the record with the person before it is shown as theirs).
struct CheckPersonView: View {
    @StateObject private var vm: CheckPersonViewModel
    @State private var useDateOfBirth = false
    @State private var birth = Date(timeIntervalSince1970: 0)

    init(session: FieldSession, currentCase: Uuid? = nil, language: Language) {
        _vm = StateObject(wrappedValue: CheckPersonViewModel(session: session, currentCase: currentCase, language: language))
    }

    var body: some View {
        Form {
            Section("check.who") {
                TextField("person.iin", text: $vm.iin).noKeyboardLearning()
                    .keyboardType(.numberPad)
                    .privacySensitive()
                IinStatusLine(status: vm.iinStatus)
                TextField("person.fullName", text: $vm.name).noKeyboardLearning()
                    
                    .privacySensitive()
                Toggle("person.hasDateOfBirth", isOn: $useDateOfBirth)
                if useDateOfBirth {
                    DatePicker("person.dateOfBirth", selection: $birth, in: ...Date(), displayedComponents: .date)
                }
                Button { Task { await vm.check() } } label: { Label("check.run", systemImage: "magnifyingglass") }
                    .disabled(!vm.canCheck)
                if vm.isWorking { ProgressView() }
            } footer: {
                Text("check.footer")
            }
            .onChange(of: useDateOfBirth) { on in vm.dateOfBirth = on ? dayComponents(birth) : nil }
            .onChange(of: birth) { d in if useDateOfBirth { vm.dateOfBirth = dayComponents(d) } }

            ErrorBanner(error: vm.error)
            outcome
            Section {
                NavigationLink { RegistryView(vm: vm) } label: { Label("registry.title", systemImage: "tray.and.arrow.down") }
            }
        }
        .navigationTitle("check.title")
        .quickHideItem()
    }

    @ViewBuilder private var outcome: some View {
        switch vm.outcome {
        case .notChecked:
            EmptyView()
        case .noRecord:
            Section { Label("check.noRecord", systemImage: "checkmark.circle").foregroundStyle(.secondary) }
        case let .confirmIdentity(displayName):
            Section {
                Label("check.confirmTitle", systemImage: "person.fill.questionmark").font(.headline)
                Text(String(format: L10n.string("check.confirmRecord %@"), displayName ?? "—")).privacySensitive()
                Text("check.confirmHint").font(.callout).foregroundStyle(.secondary)
                Button { vm.confirm(samePerson: true) } label: { Label("check.confirmYes", systemImage: "checkmark") }
                Button(role: .destructive) { vm.confirm(samePerson: false) } label: { Label("check.confirmNo", systemImage: "xmark") }
            }
        case .notThisPerson:
            Section { Label("check.notThisPerson", systemImage: "person.fill.xmark").foregroundStyle(.secondary) }
        case let .record(record):
            if record.repeatOffender {
                Section {
                    VStack(alignment: .leading, spacing: 6) {
                        Label("check.repeatOffender", systemImage: "exclamationmark.octagon.fill")
                            .font(.title2.weight(.heavy))
                        Text("check.repeatOffenderHint").font(.callout)
                    }
                    .foregroundStyle(.white)
                    .padding(.vertical, 6)
                    .listRowBackground(Color.red)
                }
            }
            Section("check.record") {
                if let name = record.displayName { Text(name).privacySensitive() }
                if let born = vm.birthDateText {
                    LabeledContent("person.dateOfBirth", value: born).privacySensitive()
                }
                LabeledContent("check.pastViolations", value: "\(record.pastViolations)")
                LabeledContent("check.earlierCases", value: "\(record.earlierCases)")
                if record.matchKind == .nameAndBirthDate {
                    Text("check.confirmedByOfficer").font(.caption).foregroundStyle(.secondary)
                }
                if record.registrySequence != 0 {
                    Text(String(format: L10n.string("check.registrySequence %lld"), Int(record.registrySequence)))
                        .font(.caption).foregroundStyle(.secondary)
                }
                // When the station produced the registry behind this answer, and how old it is.
                if let line = vm.registryLine() {
                    if case .stale = vm.registryFreshness() {
                        Label(line, systemImage: "clock.badge.exclamationmark").font(.caption).foregroundStyle(.orange)
                    } else {
                        Text(line).font(.caption).foregroundStyle(.secondary)
                    }
                }
            }
            Section("check.activeOrders") {
                if record.activeOrders.isEmpty {
                    Text("check.noActiveOrders").foregroundStyle(.secondary)
                }
                ForEach(record.activeOrders, id: \.number) { o in
                    VStack(alignment: .leading, spacing: 4) {
                        HStack {
                            Text(o.number).font(.headline.monospaced())
                            Spacer()
                            Text(o.source == .registry ? L10n.string("check.sourceRegistry") : L10n.string("check.sourceDevice"))
                                .font(.caption).foregroundStyle(.secondary)
                        }
                        Text(String(format: L10n.string("order.validUntil %@"), o.validUntil.formatted(date: .abbreviated, time: .shortened)))
                            .font(.subheadline)
                        ForEach(o.prohibitions, id: \.self) { code in
                            Label(vm.prohibitionText(code), systemImage: "nosign").font(.callout)
                        }
                    }
                }
            }
        }
    }
}

/// Enrolment with the station (its public key) and import of the registry file it sends.
struct RegistryView: View {
    @ObservedObject var vm: CheckPersonViewModel
    @State private var stationKey = ""
    @State private var importing = false
    @State private var trusted = false

    var body: some View {
        Form {
            Section {
                // Only a signed-in supervisor sets the key by hand (the core enforces and audits it).
                if vm.canTrustStation {
                    TextField("registry.stationKey", text: $stationKey, axis: .vertical).noKeyboardLearning()
                        .font(.caption.monospaced())
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                    Button("registry.trust") { Task { trusted = await vm.trustStation(publicKeyHex: stationKey) } }
                        .disabled(stationKey.count < 64)
                } else {
                    Label("registry.supervisorOnly", systemImage: "lock").foregroundStyle(.secondary)
                }
                if trusted { Label("registry.trusted", systemImage: "checkmark.shield").foregroundStyle(.green) }
            } footer: {
                Text("registry.stationFooter")
            }
            Section {
                Button { importing = true } label: { Label("registry.import", systemImage: "doc.badge.arrow.up") }
                    .disabled(vm.isWorking)
                if vm.isWorking { ProgressView() }
                if let r = vm.lastImport {
                    Text(String(format: L10n.string("registry.imported %lld %lld"), Int(r.sequence), Int(r.rows)))
                }
            } footer: {
                Text("registry.importFooter")
            }
            ErrorBanner(error: vm.error)
        }
        .navigationTitle("registry.title")
        .quickHideItem()
        .task { await vm.loadProfile() }
        .fileImporter(isPresented: $importing, allowedContentTypes: [.data, .plainText, .json]) { result in
            guard case let .success(url) = result else { return }
            Task { await importFile(url) }
        }
    }

    /// Copies the picked file into the app's protected folder (the picker's URL is only readable
    /// inside a security scope), imports it, then deletes the copy.
    private func importFile(_ url: URL) async {
        let scoped = url.startAccessingSecurityScopedResource()
        defer { if scoped { url.stopAccessingSecurityScopedResource() } }
        guard let dir = try? AppDirectories.imports else { return }
        let copy = dir.appendingPathComponent(UUID().uuidString)
        guard (try? FileManager.default.copyItem(at: url, to: copy)) != nil else { return }
        await vm.importRegistry(at: copy)
        try? FileManager.default.removeItem(at: copy)
    }
}
#endif
