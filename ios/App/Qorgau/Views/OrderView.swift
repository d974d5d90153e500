#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI
import Qorgau
import QorgauFFI

/// Protection orders on a case: issue, serve (signature on the screen, or refusal before
/// witnesses), extend, revoke, record a violation, print (PDF share) and show the QR code.
struct OrderView: View {
    @StateObject private var vm: OrderViewModel
    @State private var showingIssue = false

    init(session: FieldSession, caseId: Uuid, language: Language) {
        _vm = StateObject(wrappedValue: OrderViewModel(session: session, caseId: caseId, language: language))
    }

    var body: some View {
        List {
            ErrorBanner(error: vm.error)
            if vm.orders.isEmpty {
                Text("order.none").foregroundStyle(.secondary)
            }
            ForEach(vm.orders) { status in
                NavigationLink {
                    OrderDetailView(vm: vm, orderId: status.order.id)
                } label: {
                    OrderRow(status: status, restricted: vm.person(status.order.restrictedPerson))
                }
            }
        }
        .navigationTitle("order.title")
        .quickHideItem()
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                Button { showingIssue = true } label: { Label("order.issue", systemImage: "plus") }
            }
        }
        .task { await vm.load() }
        .refreshable { await vm.load() }
        .sheet(isPresented: $showingIssue) {
            IssueOrderView(vm: vm) { showingIssue = false }
        }
    }
}

struct OrderRow: View {
    let status: OrderStatus
    let restricted: Person?

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(status.order.number).font(.headline.monospaced())
                Spacer()
                OrderStateBadge(state: OrderViewModel.state(of: status))
            }
            if let restricted { Text(restricted.fullName).font(.subheadline).privacySensitive() }
            Text(String(format: L10n.string("order.validUntil %@"), status.validUntil.formatted(date: .abbreviated, time: .shortened)))
                .font(.caption).foregroundStyle(.secondary)
            if status.violations > 0 {
                Text(String(format: L10n.string("order.violations %lld"), Int(status.violations))).font(.caption).foregroundStyle(.red)
            }
        }
    }
}

struct OrderStateBadge: View {
    let state: OrderState

    var body: some View {
        Text(L10n.orderState(state))
            .font(.caption.weight(.semibold))
            .padding(.horizontal, 8).padding(.vertical, 2)
            .background(color.opacity(0.15), in: Capsule())
            .foregroundStyle(color)
    }

    private var color: Color {
        switch state {
        case .awaitingService: return .orange
        case .inForce: return .green
        case .expired: return .secondary
        case .revoked: return .red
        }
    }
}

/// The issue form: who is restricted, who is protected, which prohibitions (worded by the rule
/// table in the UI language), the term, and the survivor's opinion.
struct IssueOrderView: View {
    @ObservedObject var vm: OrderViewModel
    let done: () -> Void
    @State private var customEnd = false
    @State private var end = Date()

    var body: some View {
        NavigationStack {
            Form {
                Section("order.restricted") {
                    Picker("order.restricted", selection: $vm.restrictedPersonId) {
                        Text("statement.choose").tag(Uuid?.none)
                        ForEach(vm.restrictablePeople) { Text(personLabel($0)).tag(Uuid?.some($0.id)) }
                    }
                }
                Section("order.protected") {
                    ForEach(vm.protectablePeople) { p in
                        Toggle(personLabel(p), isOn: Binding(
                            get: { vm.protectedPersonIds.contains(p.id) },
                            set: { on in if on { vm.protectedPersonIds.insert(p.id) } else { vm.protectedPersonIds.remove(p.id) } }))
                    }
                }
                Section("order.prohibitions") {
                    ForEach(vm.prohibitionChoices, id: \.code) { choice in
                        Toggle(choice.text, isOn: Binding(
                            get: { vm.prohibitions.contains(choice.code) },
                            set: { on in if on { vm.prohibitions.insert(choice.code) } else { vm.prohibitions.remove(choice.code) } }))
                    }
                }
                Section {
                    Toggle("order.customEnd", isOn: $customEnd)
                    if customEnd {
                        DatePicker("order.end", selection: $end, in: Date()..., displayedComponents: [.date, .hourAndMinute])
                    } else if let rules = vm.rules {
                        Text(String(format: L10n.string("order.term %lld"), Int(rules.termDays))).foregroundStyle(.secondary)
                    }
                    TextField("order.number", text: $vm.number).noKeyboardLearning()
                        .textInputAutocapitalization(.characters)
                } header: {
                    Text("order.validity")
                } footer: {
                    if let rules = vm.rules { Text(rules.source).font(.caption2) }
                }
                .onChange(of: customEnd) { on in vm.validUntil = on ? end : nil }
                .onChange(of: end) { d in if customEnd { vm.validUntil = d } }
                Section("order.survivorOpinion") {
                    TextField("order.survivorOpinionHint", text: $vm.survivorOpinion, axis: .vertical).noKeyboardLearning().privacySensitive()
                }
                ErrorBanner(error: vm.error)
            }
            .navigationTitle("order.issue")
            .quickHideItem()
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("common.cancel") { done() } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("order.issueButton") { Task { if await vm.issue() != nil { done() } } }
                        .disabled(!vm.canIssue)
                }
            }
        }
    }
}

/// One order: its state and events, serving, changes, the printable PDF and the QR code.
struct OrderDetailView: View {
    @ObservedObject var vm: OrderViewModel
    let orderId: Uuid
    @State private var showingSignature = false
    @State private var witness = ""
    @State private var action: Action?
    @State private var copy: OrderCopy = .served
    @State private var pdfLanguages: Set<Language> = [.kk, .ru]

    enum Action: String, Identifiable {
        case extend, revoke, violation
        var id: String { rawValue }
    }

    var body: some View {
        Form {
            if let s = vm.selected {
                Section {
                    HStack {
                        Text(s.order.number).font(.title3.monospaced())
                        Spacer()
                        OrderStateBadge(state: OrderViewModel.state(of: s))
                    }
                    LabeledContent("order.from", value: s.order.validFrom.formatted(date: .abbreviated, time: .shortened))
                    LabeledContent("order.end", value: s.validUntil.formatted(date: .abbreviated, time: .shortened))
                    if let p = vm.person(s.order.restrictedPerson) {
                        LabeledContent("order.restricted", value: p.fullName).privacySensitive()
                    }
                    ForEach(s.order.prohibitions, id: \.self) { Label(vm.prohibitionText($0), systemImage: "nosign").font(.callout) }
                }
                if s.servedAt == nil && !s.revoked {
                    serveSection
                }
                documentsSection(s)
                if !s.revoked {
                    Section("order.changes") {
                        Button { action = .violation } label: { Label("order.recordViolation", systemImage: "exclamationmark.triangle") }
                        Button { action = .extend } label: { Label("order.extend", systemImage: "calendar.badge.plus") }
                        Button(role: .destructive) { action = .revoke } label: { Label("order.revoke", systemImage: "xmark.octagon") }
                    }
                }
                Section("order.events") {
                    ForEach(s.events, id: \.id) { e in OrderEventRow(event: e) }
                }
            }
            ErrorBanner(error: vm.error)
        }
        .navigationTitle("order.detail")
        .quickHideItem()
        .onAppear { vm.selectedOrderId = orderId }
        .sheet(isPresented: $showingSignature) {
            OrderSignatureSheet(vm: vm) { showingSignature = false }
        }
        .sheet(item: $action) { a in
            OrderChangeView(vm: vm, action: a) { action = nil }
        }
    }

    private var serveSection: some View {
        Section {
            if let consequence = vm.violationConsequence {
                Text(consequence).font(.callout)
            }
            Button { showingSignature = true } label: { Label("order.serveSigned", systemImage: "signature") }
            TextField("order.witness", text: $witness).noKeyboardLearning()
            Button {
                vm.witnesses = witness.split(separator: ",").map { String($0) }
                Task { if await vm.serveRefused() != nil { witness = "" } }
            } label: { Label("order.serveRefused", systemImage: "hand.raised") }
                .disabled(witness.trimmingCharacters(in: .whitespaces).isEmpty)
        } header: {
            Text("order.serve")
        } footer: {
            Text("order.serveFooter")
        }
    }

    private func documentsSection(_ s: OrderStatus) -> some View {
        Section {
            Picker("order.copy", selection: $copy) {
                ForEach(OrderCopy.allInOrder, id: \.self) { Text(L10n.orderCopy($0)).tag($0) }
            }
            .pickerStyle(.segmented)
            HStack {
                ForEach(Language.all, id: \.self) { l in
                    Toggle(l.nativeName, isOn: Binding(
                        get: { pdfLanguages.contains(l) },
                        set: { on in if on { pdfLanguages.insert(l) } else { pdfLanguages.remove(l) } }))
                        .toggleStyle(.button)
                }
            }
            // Printed through the system's print service straight from memory: no file is
            // written and no other app receives the order (issue 11).
            Button { Task { await printPdf() } } label: { Label("order.printPdf", systemImage: "printer") }
                .disabled(pdfLanguages.isEmpty || vm.isWorking)
            Button { Task { await vm.loadQr() } } label: { Label("order.showQr", systemImage: "qrcode") }
            if let png = vm.qrPng, let image = UIImage(data: png) {
                Image(uiImage: image)
                    .interpolation(.none)
                    .resizable()
                    .scaledToFit()
                    .frame(maxWidth: 260)
                    .frame(maxWidth: .infinity)
            }
        } header: {
            Text("order.documents")
        } footer: {
            Text("order.documentsFooter")
        }
    }

    private func printPdf() async {
        let languages = Language.all.filter(pdfLanguages.contains)
        guard let data = await vm.makePdf(copy: copy, languages: languages) else { return }
        guard UIPrintInteractionController.canPrint(data) else { return }
        let info = UIPrintInfo(dictionary: nil)
        info.outputType = .general
        info.jobName = "Qorgau"   // no name or number of the person in the print queue
        let printer = UIPrintInteractionController.shared
        printer.printInfo = info
        printer.printingItem = data
        printer.present(animated: true) { _, _, _ in
            printer.printingItem = nil
        }
    }
}

struct OrderEventRow: View {
    let event: OrderEvent

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text(title).font(.subheadline)
            Text("\(event.at.utc.formatted(date: .abbreviated, time: .shortened)) · \(event.by)").font(.caption).foregroundStyle(.secondary)
        }
    }

    private var title: String {
        switch event.event {
        case .served(service: .signed):
            return L10n.string("order.eventSigned")
        case let .served(service: .refusedToSign(witnesses)):
            return String(format: L10n.string("order.eventRefused %@"), witnesses.joined(separator: ", "))
        case let .extended(newValidUntil, reason):
            return String(format: L10n.string("order.eventExtended %@ %@"), newValidUntil.formatted(date: .abbreviated, time: .omitted), reason)
        case let .revoked(reason):
            return String(format: L10n.string("order.eventRevoked %@"), reason)
        case let .violated(description, _):
            return String(format: L10n.string("order.eventViolated %@"), description)
        }
    }
}

/// The restricted person signs for the order on the screen, after the consequences of a
/// violation are read out; the drawing goes to the core as PNG.
struct OrderSignatureSheet: View {
    @ObservedObject var vm: OrderViewModel
    let done: () -> Void

    var body: some View {
        NavigationStack {
            VStack(alignment: .leading, spacing: 12) {
                if let consequence = vm.violationConsequence { Text(consequence).font(.callout) }
                SignatureCanvas(drawing: $vm.signature).frame(height: 260)
                Text("signature.hint").font(.caption).foregroundStyle(.secondary)
                ErrorBanner(error: vm.error)
                Spacer()
            }
            .padding()
            .navigationTitle("signature.title")
            .quickHideItem()
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("common.cancel") { vm.signature.clear(); done() } }
                ToolbarItem(placement: .destructiveAction) { Button("signature.clear") { vm.signature.clear() } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("signature.done") { Task { if await vm.serveSigned() != nil { done() } } }
                        .disabled(vm.signature.isEmpty || vm.isWorking)
                }
            }
        }
    }
}

/// Extend, revoke or record a violation, each with its reason or description.
struct OrderChangeView: View {
    @ObservedObject var vm: OrderViewModel
    let action: OrderDetailView.Action
    let done: () -> Void
    @State private var text = ""
    @State private var date = Date()

    var body: some View {
        NavigationStack {
            Form {
                switch action {
                case .extend:
                    DatePicker("order.newEnd", selection: $date, in: Date()..., displayedComponents: [.date, .hourAndMinute])
                    TextField("order.reason", text: $text, axis: .vertical).noKeyboardLearning()
                case .revoke:
                    TextField("order.reason", text: $text, axis: .vertical).noKeyboardLearning()
                case .violation:
                    DatePicker("order.occurredAt", selection: $date, in: ...Date(), displayedComponents: [.date, .hourAndMinute])
                    TextField("order.violationDescription", text: $text, axis: .vertical).noKeyboardLearning().privacySensitive()
                }
                ErrorBanner(error: vm.error)
            }
            .navigationTitle(LocalizedStringKey(title))
            .quickHideItem()
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("common.cancel") { done() } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("order.save") { Task { if await save() { done() } } }
                        .disabled(text.trimmingCharacters(in: .whitespaces).isEmpty || vm.isWorking)
                }
            }
            .onAppear {
                if action == .extend, let s = vm.selected { date = s.validUntil.addingTimeInterval(7 * 86_400) }
            }
        }
    }

    private var title: String {
        switch action {
        case .extend: return "order.extend"
        case .revoke: return "order.revoke"
        case .violation: return "order.recordViolation"
        }
    }

    private func save() async -> Bool {
        switch action {
        case .extend: return await vm.extend(until: date, reason: text) != nil
        case .revoke: return await vm.revoke(reason: text) != nil
        case .violation: return await vm.recordViolation(description: text, occurredAt: date) != nil
        }
    }
}
#endif
