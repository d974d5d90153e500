package kz.qorgau.app.model

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kz.qorgau.app.data.CaseRepository
import kz.qorgau.app.data.OrderRepository
import kz.qorgau.app.data.Outcome
import kz.qorgau.app.data.UiError
import kz.qorgau.app.data.attempt
import kz.qorgau.core.UiLanguage
import kz.qorgau.ffi.Language
import kz.qorgau.ffi.NewOrder
import kz.qorgau.ffi.OrderCopy
import kz.qorgau.ffi.OrderRules
import kz.qorgau.ffi.OrderStatus
import kz.qorgau.ffi.Person
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.ProtectionOrder
import kz.qorgau.ffi.ServeOrder
import kz.qorgau.ffi.Uuid
import kz.qorgau.ffi.VerifiedOrderCode
import java.io.File
import java.time.Duration
import java.time.Instant
import java.time.ZoneId

// ---- the orders of a case ----------------------------------------------------------------

data class CaseOrdersState(
    val loading: Boolean = true,
    val orders: List<OrderStatus> = emptyList(),
    val people: List<Person> = emptyList(),
    val error: UiError? = null,
) {
    fun nameOf(id: Uuid): String = people.firstOrNull { it.id == id }?.fullName.orEmpty()
}

/** The protection orders issued on a case, oldest first. */
class CaseOrdersModel(
    private val scope: CoroutineScope,
    private val orders: OrderRepository,
    private val cases: CaseRepository,
    private val caseId: Uuid,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(CaseOrdersState())
    val state: StateFlow<CaseOrdersState> = _state.asStateFlow()

    fun refresh() {
        scope.launch {
            when (val r = attempt { orders.ofCase(caseId) to cases.caseFile(caseId).people }) {
                is Outcome.Ok -> _state.value = CaseOrdersState(loading = false, orders = r.value.first, people = r.value.second)
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }
}

// ---- issuing -----------------------------------------------------------------------------

/** A prohibition of the rule table, worded in the UI language. */
data class ProhibitionChoice(val code: String, val text: String)

data class IssueOrderState(
    val loading: Boolean = true,
    val people: List<Person> = emptyList(),
    val prohibitions: List<ProhibitionChoice> = emptyList(),
    val termDays: Int = 0,
    val minAge: Int = 0,
    /** What a violation leads to (the rule table's wording), read out to the restricted person. */
    val consequence: String = "",
    val restrictedId: Uuid? = null,
    val protectedIds: Set<Uuid> = emptySet(),
    val chosen: Set<String> = emptySet(),
    val survivorOpinion: String = "",
    /** The number of a pre-printed paper form, if one is used; the phone numbers it otherwise. */
    val paperNumber: String = "",
    val issuing: Boolean = false,
    val error: UiError? = null,
    val issued: ProtectionOrder? = null,
) {
    /** Who can be restricted: not a survivor or a child (the core checks the age from the IIN). */
    val restrictable: List<Person> get() = people.filter { it.role != PersonRole.SURVIVOR && it.role != PersonRole.CHILD }
    val protectable: List<Person> get() = people.filter { it.id != restrictedId }
    val canIssue: Boolean get() = !issuing && issued == null && restrictedId != null && protectedIds.isNotEmpty() && chosen.isNotEmpty()
}

/**
 * Issuing a protection order at the scene: the restricted person, the persons protected, the
 * prohibitions from the rule table in force, and what the survivor said about it. Terms
 * (30 days, the minimum age, the longest total) are the rule table's, applied by the core.
 */
class IssueOrderModel(
    private val scope: CoroutineScope,
    private val orders: OrderRepository,
    private val cases: CaseRepository,
    private val caseId: Uuid,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(IssueOrderState())
    val state: StateFlow<IssueOrderState> = _state.asStateFlow()

    fun refresh() {
        scope.launch {
            when (val r = attempt { orders.rules() to cases.caseFile(caseId).people }) {
                is Outcome.Ok -> {
                    val (rules, people) = r.value
                    val lang = language()
                    _state.update { s ->
                        val restricted = s.restrictedId ?: people.firstOrNull { it.role == PersonRole.ALLEGED_AGGRESSOR }?.id
                        s.copy(
                            loading = false,
                            people = people,
                            prohibitions = rules.prohibitions.map { ProhibitionChoice(it.code, it.text.pick(lang)) },
                            termDays = rules.termDays.toInt(),
                            minAge = rules.minAgeRestricted.toInt(),
                            consequence = rules.violationConsequence.pick(lang),
                            restrictedId = restricted,
                            protectedIds = s.protectedIds.ifEmpty {
                                people.filter { it.role == PersonRole.SURVIVOR || it.role == PersonRole.CHILD }.map { it.id }.toSet()
                            } - setOfNotNull(restricted),
                        )
                    }
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    fun setRestricted(id: Uuid) = _state.update { it.copy(restrictedId = id, protectedIds = it.protectedIds - id, error = null) }

    fun toggleProtected(id: Uuid) = _state.update {
        it.copy(protectedIds = if (id in it.protectedIds) it.protectedIds - id else it.protectedIds + id, error = null)
    }

    fun toggleProhibition(code: String) = _state.update {
        it.copy(chosen = if (code in it.chosen) it.chosen - code else it.chosen + code, error = null)
    }

    fun setOpinion(text: String) = _state.update { it.copy(survivorOpinion = text, error = null) }

    fun setPaperNumber(text: String) = _state.update { it.copy(paperNumber = text, error = null) }

    fun issue() {
        val s = state.value
        val restricted = s.restrictedId ?: return
        if (!s.canIssue) return
        _state.update { it.copy(issuing = true, error = null) }
        scope.launch {
            val order = NewOrder(
                restrictedPerson = restricted,
                protectedPersons = s.people.map { it.id }.filter { it in s.protectedIds },
                // In the rule table's order, so that the printed order reads as the law does.
                prohibitions = s.prohibitions.map { it.code }.filter { it in s.chosen },
                validFrom = null,
                validUntil = null,
                number = s.paperNumber.trim().ifEmpty { null },
                survivorOpinion = s.survivorOpinion.trim().ifEmpty { null },
            )
            when (val r = attempt { orders.issue(caseId, order) }) {
                is Outcome.Ok -> _state.update { it.copy(issuing = false, issued = r.value.record) }
                is Outcome.Failed -> _state.update { it.copy(issuing = false, error = r.error) }
            }
        }
    }
}

// ---- one order: serve, extend, revoke, violation, PDF, QR -------------------------------------

enum class ServeMode { SIGNATURE, REFUSAL }

enum class OrderAction { SERVE, EXTEND, REVOKE, VIOLATION, PDF, QR }

data class OrderState(
    val loading: Boolean = true,
    val status: OrderStatus? = null,
    val people: List<Person> = emptyList(),
    /** The order's prohibitions in the UI language. */
    val prohibitions: List<String> = emptyList(),
    val consequence: String = "",
    /** The latest end the rule table allows (issue + the longest total term). */
    val latestEnd: Instant? = null,
    // serving
    val serveMode: ServeMode = ServeMode.SIGNATURE,
    val signature: Signature = Signature(),
    val witnesses: List<String> = emptyList(),
    val witnessInput: String = "",
    // extending, revoking, violations
    val extendDays: String = "",
    val extendReason: String = "",
    val revokeReason: String = "",
    val violationText: String = "",
    /** "YYYY-MM-DD HH:mm" in the phone's time zone; empty: now. */
    val violationAt: String = "",
    // documents
    val pdfCopy: OrderCopy = OrderCopy.SERVED,
    val pdfLanguages: Set<Language> = setOf(Language.KK, Language.RU),
    val pdf: File? = null,
    val qrPng: ByteArray? = null,
    val busy: OrderAction? = null,
    val error: UiError? = null,
    /** The action that just succeeded (a confirmation line). */
    val done: OrderAction? = null,
) {
    val order: ProtectionOrder? get() = status?.order
    val served: Boolean get() = status?.servedAt != null
    val revoked: Boolean get() = status?.revoked == true
    fun nameOf(id: Uuid): String = people.firstOrNull { it.id == id }?.fullName.orEmpty()

    val canServe: Boolean get() = busy == null && status != null && !served && !revoked && when (serveMode) {
        ServeMode.SIGNATURE -> !signature.isEmpty
        ServeMode.REFUSAL -> witnesses.isNotEmpty()
    }
    val extendBy: Long? get() = extendDays.trim().toLongOrNull()?.takeIf { it > 0 }
    val newEnd: Instant? get() = extendBy?.let { d -> status?.validUntil?.plus(Duration.ofDays(d)) }
    val canExtend: Boolean get() = busy == null && !revoked && extendBy != null && extendReason.isNotBlank()
    val canRevoke: Boolean get() = busy == null && status != null && !revoked && revokeReason.isNotBlank()
    /** The typed time is valid (or empty, for now). */
    val violationAtValid: Boolean get() = violationAt.isBlank() || Format.parseLocalDateTime(violationAt) != null
    val canRecordViolation: Boolean get() = busy == null && status != null && violationText.isNotBlank() && violationAtValid
    val canMakePdf: Boolean get() = busy == null && status != null && pdfLanguages.isNotEmpty()
}

/**
 * One protection order: serve it (the restricted person signs on the pad, or refuses in front
 * of witnesses), extend, revoke, record a violation, print it (served copy or police file, one
 * page per language) and show its signed QR code. Each step is one custody entry in the core.
 */
class OrderModel(
    private val scope: CoroutineScope,
    private val orders: OrderRepository,
    private val cases: CaseRepository,
    private val orderId: Uuid,
    private val language: () -> UiLanguage,
    private val renderer: SignatureRenderer,
    private val now: () -> Instant = Instant::now,
    private val zone: () -> ZoneId = ZoneId::systemDefault,
    private val compute: CoroutineDispatcher = Dispatchers.Default,
) {
    private val _state = MutableStateFlow(OrderState())
    val state: StateFlow<OrderState> = _state.asStateFlow()
    private var rules: OrderRules? = null

    fun refresh() {
        scope.launch {
            val r = attempt {
                val status = orders.status(orderId)
                val table = rules ?: orders.rules().also { rules = it }
                Triple(status, table, cases.caseFile(status.order.caseId).people)
            }
            when (r) {
                is Outcome.Ok -> {
                    val (status, table, people) = r.value
                    val lang = language()
                    _state.update {
                        it.copy(
                            loading = false,
                            status = status,
                            people = people,
                            prohibitions = status.order.prohibitions.map { c -> table.prohibitionText(c, lang) },
                            consequence = table.violationConsequence.pick(lang),
                            latestEnd = status.order.validFrom.plus(Duration.ofDays(table.maxTotalDays.toLong())),
                            extendDays = it.extendDays.ifEmpty { table.termDays.toString() },
                        )
                    }
                }
                is Outcome.Failed -> _state.update { it.copy(loading = false, error = r.error) }
            }
        }
    }

    fun update(transform: (OrderState) -> OrderState) = _state.update { transform(it).copy(error = null, done = null) }

    // The signature pad (called for every pointer event while drawing).
    fun padSize(w: Int, h: Int) = _state.update { it.copy(signature = it.signature.resized(w, h)) }
    fun strokeStart(p: SignaturePoint) = _state.update { it.copy(signature = it.signature.startStroke(p)) }
    fun strokeTo(p: SignaturePoint) = _state.update { it.copy(signature = it.signature.extendStroke(p)) }
    fun clearSignature() = _state.update { it.copy(signature = it.signature.cleared()) }

    fun addWitness() = _state.update {
        val w = it.witnessInput.trim()
        if (w.isEmpty()) it else it.copy(witnesses = it.witnesses + w, witnessInput = "", error = null)
    }

    fun removeWitness(index: Int) = _state.update { it.copy(witnesses = it.witnesses.filterIndexed { i, _ -> i != index }) }

    fun serve() {
        val s = state.value
        if (!s.canServe) return
        change(OrderAction.SERVE, reset = { it.copy(signature = it.signature.cleared(), witnesses = emptyList()) }) {
            val how = when (s.serveMode) {
                ServeMode.SIGNATURE -> ServeOrder.Signed(withContext(compute) { renderer.png(s.signature) })
                ServeMode.REFUSAL -> ServeOrder.RefusedToSign(s.witnesses)
            }
            orders.serve(orderId, how)
        }
    }

    fun extend() {
        val s = state.value
        val until = s.newEnd ?: return
        if (!s.canExtend) return
        change(OrderAction.EXTEND, reset = { it.copy(extendReason = "") }) { orders.extend(orderId, until, s.extendReason.trim()) }
    }

    fun revoke() {
        val s = state.value
        if (!s.canRevoke) return
        change(OrderAction.REVOKE, reset = { it.copy(revokeReason = "") }) { orders.revoke(orderId, s.revokeReason.trim()) }
    }

    fun recordViolation() {
        val s = state.value
        if (!s.canRecordViolation) return
        val at = if (s.violationAt.isBlank()) now() else Format.parseLocalDateTime(s.violationAt, zone()) ?: return
        change(OrderAction.VIOLATION, reset = { it.copy(violationText = "", violationAt = "") }) {
            orders.violation(orderId, s.violationText.trim(), at)
        }
    }

    fun togglePdfLanguage(l: Language) = update {
        it.copy(pdfLanguages = if (l in it.pdfLanguages) it.pdfLanguages - l else it.pdfLanguages + l, pdf = null)
    }

    /** Renders the chosen copy into the documents dir; the screen opens or shares the file. */
    fun makePdf() {
        val s = state.value
        val order = s.order ?: return
        if (!s.canMakePdf) return
        val languages = Language.entries.filter { it in s.pdfLanguages }
        _state.update { it.copy(busy = OrderAction.PDF, error = null, done = null, pdf = null) }
        scope.launch {
            when (val r = attempt { orders.pdf(orderId, order.number, s.pdfCopy, languages) }) {
                is Outcome.Ok -> _state.update { it.copy(busy = null, pdf = r.value, done = OrderAction.PDF) }
                is Outcome.Failed -> _state.update { it.copy(busy = null, error = r.error) }
            }
        }
    }

    fun showQr() {
        if (state.value.busy != null) return
        _state.update { it.copy(busy = OrderAction.QR, error = null, done = null) }
        scope.launch {
            when (val r = attempt { orders.qrPng(orderId) }) {
                is Outcome.Ok -> _state.update { it.copy(busy = null, qrPng = r.value) }
                is Outcome.Failed -> _state.update { it.copy(busy = null, error = r.error) }
            }
        }
    }

    /** One change of the order, then the order as the core now has it. */
    private fun change(action: OrderAction, reset: (OrderState) -> OrderState, block: suspend () -> Unit) {
        _state.update { it.copy(busy = action, error = null, done = null) }
        scope.launch {
            val r = attempt {
                block()
                orders.status(orderId)
            }
            when (r) {
                // A printed copy or QR code made before the change is out of date.
                is Outcome.Ok -> _state.update { reset(it).copy(busy = null, status = r.value, done = action, pdf = null, qrPng = null) }
                is Outcome.Failed -> _state.update { it.copy(busy = null, error = r.error) }
            }
        }
    }
}

// ---- scan to verify --------------------------------------------------------------------------

data class QrVerifyState(
    val verifying: Boolean = false,
    /** The last text verified (a scanner reports the same code many times a second). */
    val lastText: String? = null,
    /** What the core verified: number, validity and issue time (instants), people, prohibitions, signer. */
    val code: VerifiedOrderCode? = null,
    val prohibitions: List<String> = emptyList(),
    /** A refused code: `InvalidQr` by its typed rejection (malformed, altered, unknown or revoked signer, expired). */
    val error: UiError? = null,
    /** Typed or pasted code, when there is no camera or the code is on a screen. */
    val manualText: String = "",
) {
    /** The restricted person's IIN when the code carries one (else initials and birth year). */
    val restrictedIin: String? get() = code?.restricted?.takeIf { r -> r.length == 12 && r.all(Char::isDigit) }
}

/**
 * Verifying an order's QR code offline: the text from the scanner (capture/QrScanner, CameraX
 * + ML Kit in the app) or typed in, checked by the core (signature, known and not revoked
 * signer, not expired). The prohibitions are shown in the UI language.
 */
class QrVerifyModel(
    private val scope: CoroutineScope,
    private val orders: OrderRepository,
    private val language: () -> UiLanguage,
) {
    private val _state = MutableStateFlow(QrVerifyState())
    val state: StateFlow<QrVerifyState> = _state.asStateFlow()
    private var rules: OrderRules? = null

    /** A code was read. Repeats of the code just verified, and codes read meanwhile, are ignored. */
    fun scanned(text: String) {
        val s = state.value
        if (s.verifying || text.isBlank() || text == s.lastText) return
        _state.update { it.copy(verifying = true, lastText = text, code = null, error = null, prohibitions = emptyList()) }
        scope.launch {
            val r = attempt {
                val code = orders.verifyQr(text)
                val table = rules ?: orders.rules().also { rules = it }
                code to table
            }
            val lang = language()
            when (r) {
                is Outcome.Ok -> _state.update {
                    it.copy(verifying = false, code = r.value.first, prohibitions = r.value.first.prohibitions.map { c -> r.value.second.prohibitionText(c, lang) })
                }
                is Outcome.Failed -> _state.update { it.copy(verifying = false, error = r.error) }
            }
        }
    }

    fun setManual(text: String) = _state.update { it.copy(manualText = text) }

    fun verifyManual() = scanned(state.value.manualText.trim())

    /** Ready for the next code. */
    fun reset() = _state.update { QrVerifyState() }
}
