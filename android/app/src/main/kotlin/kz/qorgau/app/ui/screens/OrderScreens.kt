package kz.qorgau.app.ui.screens

import android.graphics.BitmapFactory
import androidx.compose.foundation.Canvas
import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.clickable
import androidx.compose.foundation.gestures.detectDragGestures
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.Checkbox
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.produceState
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.graphics.StrokeJoin
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.graphics.FilterQuality
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.layout.onSizeChanged
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.painterResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.compose.LifecycleEventEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import kz.qorgau.app.R
import kz.qorgau.app.model.CaseOrdersModel
import kz.qorgau.app.model.Format
import kz.qorgau.app.model.IssueOrderModel
import kz.qorgau.app.model.OrderAction
import kz.qorgau.app.model.OrderModel
import kz.qorgau.app.model.OrderState
import kz.qorgau.app.model.ServeMode
import kz.qorgau.app.model.Signature
import kz.qorgau.app.model.SignaturePoint
import kz.qorgau.app.ui.Busy
import kz.qorgau.app.ui.Chips
import kz.qorgau.app.ui.Documents
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.Fact
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.SectionTitle
import kz.qorgau.app.ui.label
import kz.qorgau.ffi.Language
import kz.qorgau.ffi.OrderCopy
import kz.qorgau.ffi.OrderEventKind
import kz.qorgau.ffi.OrderStatus
import kz.qorgau.ffi.Service
import kz.qorgau.ffi.Uuid

// ---- the orders of a case --------------------------------------------------------------------

@Composable
fun CaseOrdersScreen(model: CaseOrdersModel, onBack: () -> Unit, onIssue: () -> Unit, onOpen: (Uuid) -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LifecycleEventEffect(Lifecycle.Event.ON_RESUME) { model.refresh() }
    QScreen(
        title = stringResource(R.string.orders_title),
        onBack = onBack,
        floating = {
            ExtendedFloatingActionButton(
                onClick = onIssue,
                icon = { Icon(painterResource(R.drawable.ic_add), contentDescription = null) },
                text = { Text(stringResource(R.string.issue_order)) },
            )
        },
    ) { mod ->
        LazyColumn(mod, contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            s.error?.let { e -> item { ErrorCard(e) } }
            if (!s.loading && s.orders.isEmpty()) item { Text(stringResource(R.string.no_orders)) }
            items(s.orders, key = { it.order.id }) { o ->
                Card(Modifier.fillMaxWidth().clickable { onOpen(o.order.id) }) {
                    Column(Modifier.padding(12.dp)) {
                        Text(o.order.number, style = MaterialTheme.typography.titleSmall)
                        Text(stringResource(R.string.order_against, s.nameOf(o.order.restrictedPerson)))
                        Text(stringResource(R.string.valid_from_until, Format.instant(o.order.validFrom), Format.instant(o.validUntil)), style = MaterialTheme.typography.bodySmall)
                        Text(orderStateText(o), style = MaterialTheme.typography.bodySmall)
                    }
                }
            }
        }
    }
}

@Composable
private fun orderStateText(o: OrderStatus): String = buildList {
    add(stringResource(when {
        o.revoked -> R.string.order_revoked
        o.servedAt != null -> R.string.order_served
        else -> R.string.order_not_served
    }))
    if (o.violations > 0u) add(stringResource(R.string.order_violations, o.violations.toInt()))
}.joinToString(" · ")

// ---- issue ---------------------------------------------------------------------------------

/** Issuing at the scene; on success the order's own screen takes over (serve, print). */
@Composable
fun IssueOrderScreen(model: IssueOrderModel, onBack: () -> Unit, onIssued: (Uuid) -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refresh() }
    LaunchedEffect(s.issued) { s.issued?.let { onIssued(it.id) } }

    QScreen(title = stringResource(R.string.issue_order), onBack = onBack) { mod ->
        if (s.loading) {
            Busy(stringResource(R.string.loading))
            return@QScreen
        }
        Column(mod.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            SectionTitle(stringResource(R.string.restricted_person))
            if (s.restrictable.isEmpty()) Text(stringResource(R.string.order_needs_person))
            Chips(s.restrictable, { it.id == s.restrictedId }, { "${it.fullName} (${stringResource(it.role.label())})" }, { model.setRestricted(it.id) })
            Text(stringResource(R.string.min_age_note, s.minAge), style = MaterialTheme.typography.bodySmall)

            SectionTitle(stringResource(R.string.protected_persons))
            Chips(s.protectable, { it.id in s.protectedIds }, { "${it.fullName} (${stringResource(it.role.label())})" }, { model.toggleProtected(it.id) })

            SectionTitle(stringResource(R.string.prohibitions))
            s.prohibitions.forEach { p ->
                Row(Modifier.fillMaxWidth().clickable { model.toggleProhibition(p.code) }, verticalAlignment = Alignment.CenterVertically) {
                    Checkbox(checked = p.code in s.chosen, onCheckedChange = { model.toggleProhibition(p.code) })
                    Text(p.text, modifier = Modifier.weight(1f))
                }
            }

            OutlinedTextField(s.survivorOpinion, model::setOpinion, label = { Text(stringResource(R.string.survivor_opinion)) },
                supportingText = { Text(stringResource(R.string.survivor_opinion_hint)) }, minLines = 2, modifier = Modifier.fillMaxWidth())
            OutlinedTextField(s.paperNumber, model::setPaperNumber, label = { Text(stringResource(R.string.paper_form_number)) },
                supportingText = { Text(stringResource(R.string.paper_form_number_hint)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
            Text(stringResource(R.string.term_note, s.termDays), style = MaterialTheme.typography.bodyMedium)
            Text(s.consequence, style = MaterialTheme.typography.bodySmall)
            s.error?.let { ErrorCard(it) }
            Button(onClick = model::issue, enabled = s.canIssue, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(if (s.issuing) R.string.saving else R.string.issue_order))
            }
        }
    }
}

// ---- one order -----------------------------------------------------------------------------

@Composable
fun OrderScreen(model: OrderModel, onBack: () -> Unit, onCheckPerson: (caseId: Uuid) -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refresh() }
    var confirmRevoke by remember { mutableStateOf(false) }

    QScreen(title = s.order?.number ?: stringResource(R.string.order_title), onBack = onBack) { mod ->
        val status = s.status
        if (status == null) {
            if (s.error != null) Column(mod.padding(16.dp)) { ErrorCard(s.error!!) } else Busy(stringResource(R.string.loading))
            return@QScreen
        }
        Column(mod.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            OrderFacts(s, status)
            if (s.busy != null) LinearProgressIndicator(Modifier.fillMaxWidth())
            s.error?.let { ErrorCard(it) }
            s.done?.let { Text(stringResource(doneText(it)), color = MaterialTheme.colorScheme.primary) }

            if (!s.served && !s.revoked) {
                HorizontalDivider()
                ServeSection(s, model)
            }
            HorizontalDivider()
            DocumentsSection(s, model)
            HorizontalDivider()
            ViolationSection(s, model)
            if (!s.revoked) {
                HorizontalDivider()
                ExtendSection(s, model)
                HorizontalDivider()
                SectionTitle(stringResource(R.string.revoke_order))
                OutlinedTextField(s.revokeReason, { v -> model.update { it.copy(revokeReason = v) } },
                    label = { Text(stringResource(R.string.reason)) }, modifier = Modifier.fillMaxWidth())
                OutlinedButton(onClick = { confirmRevoke = true }, enabled = s.canRevoke, modifier = Modifier.fillMaxWidth(),
                    colors = ButtonDefaults.outlinedButtonColors(contentColor = MaterialTheme.colorScheme.error)) {
                    Text(stringResource(R.string.revoke_order))
                }
            }
            HorizontalDivider()
            OutlinedButton(onClick = { onCheckPerson(status.order.caseId) }, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.check_restricted_person)) }
            SectionTitle(stringResource(R.string.order_history))
            status.events.forEach { e -> Text("${Format.deviceTime(e.at)} · ${e.by} · ${eventText(e.event)}", style = MaterialTheme.typography.bodySmall) }
        }
    }

    if (confirmRevoke) {
        AlertDialog(
            onDismissRequest = { confirmRevoke = false },
            title = { Text(stringResource(R.string.revoke_order)) },
            text = { Text(stringResource(R.string.revoke_confirm)) },
            confirmButton = {
                TextButton(onClick = { model.revoke(); confirmRevoke = false },
                    colors = ButtonDefaults.textButtonColors(contentColor = MaterialTheme.colorScheme.error)) { Text(stringResource(R.string.revoke_order)) }
            },
            dismissButton = { TextButton(onClick = { confirmRevoke = false }) { Text(stringResource(R.string.keep)) } },
        )
    }
}

private fun doneText(a: OrderAction): Int = when (a) {
    OrderAction.SERVE -> R.string.done_served
    OrderAction.EXTEND -> R.string.done_extended
    OrderAction.REVOKE -> R.string.done_revoked
    OrderAction.VIOLATION -> R.string.done_violation
    OrderAction.PDF -> R.string.done_pdf
    OrderAction.QR -> R.string.done_qr
}

@Composable
private fun eventText(e: OrderEventKind): String = when (e) {
    is OrderEventKind.Served -> when (val sv = e.service) {
        is Service.Signed -> stringResource(R.string.event_served_signed)
        is Service.RefusedToSign -> stringResource(R.string.event_served_refused, sv.witnesses.joinToString(", "))
    }
    is OrderEventKind.Extended -> stringResource(R.string.event_extended, Format.instant(e.newValidUntil), e.reason)
    is OrderEventKind.Revoked -> stringResource(R.string.event_revoked, e.reason)
    is OrderEventKind.Violated -> stringResource(R.string.event_violated, Format.instant(e.occurredAt), e.description)
}

@Composable
private fun OrderFacts(s: OrderState, status: OrderStatus) {
    val o = status.order
    Card(
        Modifier.fillMaxWidth(),
        colors = CardDefaults.cardColors(containerColor = if (s.revoked) MaterialTheme.colorScheme.surfaceVariant else MaterialTheme.colorScheme.primaryContainer),
    ) {
        Column(Modifier.padding(12.dp)) {
            Text(orderStateText(status), style = MaterialTheme.typography.titleMedium)
            Fact(stringResource(R.string.restricted_person), s.nameOf(o.restrictedPerson))
            Fact(stringResource(R.string.protected_persons), o.protectedPersons.joinToString(", ") { s.nameOf(it) })
            Fact(stringResource(R.string.valid_from), Format.instant(o.validFrom))
            Fact(stringResource(R.string.valid_until), Format.instant(status.validUntil))
            Fact(stringResource(R.string.issued_by), o.issuedBy)
            status.servedAt?.let { Fact(stringResource(R.string.served_at), Format.deviceTime(it)) }
            o.survivorOpinion?.let { Fact(stringResource(R.string.survivor_opinion), it) }
            Fact(stringResource(R.string.rules_version), o.rulesVersion, mono = true)
            Text(stringResource(R.string.prohibited), style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(top = 4.dp))
            s.prohibitions.forEach { Text("• $it") }
            Text(s.consequence, style = MaterialTheme.typography.bodySmall, modifier = Modifier.padding(top = 4.dp))
        }
    }
}

@Composable
private fun ServeSection(s: OrderState, model: OrderModel) {
    SectionTitle(stringResource(R.string.serve_order))
    Chips(ServeMode.entries, { it == s.serveMode }, {
        stringResource(if (it == ServeMode.SIGNATURE) R.string.serve_signed else R.string.serve_refused)
    }, { m -> model.update { it.copy(serveMode = m) } })
    when (s.serveMode) {
        ServeMode.SIGNATURE -> {
            Text(stringResource(R.string.sign_here), style = MaterialTheme.typography.bodySmall)
            SignaturePad(s.signature, model::padSize, model::strokeStart, model::strokeTo)
            TextButton(onClick = model::clearSignature) { Text(stringResource(R.string.clear_signature)) }
        }
        ServeMode.REFUSAL -> {
            Text(stringResource(R.string.refusal_witness_note), style = MaterialTheme.typography.bodySmall)
            Row(verticalAlignment = Alignment.CenterVertically) {
                OutlinedTextField(s.witnessInput, { v -> model.update { it.copy(witnessInput = v) } },
                    label = { Text(stringResource(R.string.witness_name)) }, singleLine = true, modifier = Modifier.weight(1f))
                TextButton(onClick = model::addWitness) { Text(stringResource(R.string.add)) }
            }
            s.witnesses.forEachIndexed { i, w ->
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Text(w, modifier = Modifier.weight(1f))
                    TextButton(onClick = { model.removeWitness(i) }) { Text(stringResource(R.string.remove)) }
                }
            }
        }
    }
    Button(onClick = model::serve, enabled = s.canServe, modifier = Modifier.fillMaxWidth()) {
        Text(stringResource(if (s.busy == OrderAction.SERVE) R.string.saving else R.string.record_service))
    }
}

/**
 * The signature pad: strokes drawn with a finger or stylus, kept in the model as points and
 * turned into a PNG (AndroidSignatureRenderer) only when the service is recorded.
 */
@Composable
private fun SignaturePad(
    signature: Signature,
    onSize: (Int, Int) -> Unit,
    onStart: (SignaturePoint) -> Unit,
    onMove: (SignaturePoint) -> Unit,
) {
    Box(
        Modifier
            .fillMaxWidth()
            .height(200.dp)
            .background(Color.White)
            .border(1.dp, MaterialTheme.colorScheme.outline)
            .onSizeChanged { onSize(it.width, it.height) }
            .pointerInput(Unit) {
                detectDragGestures(
                    onDragStart = { o: Offset -> onStart(SignaturePoint(o.x, o.y)) },
                    onDrag = { change, _ ->
                        change.consume()
                        onMove(SignaturePoint(change.position.x, change.position.y))
                    },
                )
            },
    ) {
        Canvas(Modifier.fillMaxSize()) {
            for (stroke in signature.strokes) {
                if (stroke.isEmpty()) continue
                val path = Path().apply {
                    moveTo(stroke[0].x, stroke[0].y)
                    stroke.drop(1).forEach { lineTo(it.x, it.y) }
                }
                drawPath(path, Color.Black, style = Stroke(width = 5f, cap = StrokeCap.Round, join = StrokeJoin.Round))
            }
        }
    }
}

@Composable
private fun ExtendSection(s: OrderState, model: OrderModel) {
    SectionTitle(stringResource(R.string.extend_order))
    OutlinedTextField(s.extendDays, { v -> model.update { it.copy(extendDays = v.filter(Char::isDigit).take(3)) } },
        label = { Text(stringResource(R.string.extend_by_days)) },
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number), singleLine = true, modifier = Modifier.fillMaxWidth())
    s.newEnd?.let { Text(stringResource(R.string.new_end, Format.instant(it)), style = MaterialTheme.typography.bodySmall) }
    s.latestEnd?.let { Text(stringResource(R.string.latest_end, Format.instant(it)), style = MaterialTheme.typography.bodySmall) }
    OutlinedTextField(s.extendReason, { v -> model.update { it.copy(extendReason = v) } },
        label = { Text(stringResource(R.string.reason)) }, modifier = Modifier.fillMaxWidth())
    Button(onClick = model::extend, enabled = s.canExtend, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.extend_order)) }
}

@Composable
private fun ViolationSection(s: OrderState, model: OrderModel) {
    SectionTitle(stringResource(R.string.record_violation))
    OutlinedTextField(s.violationText, { v -> model.update { it.copy(violationText = v) } },
        label = { Text(stringResource(R.string.violation_what)) }, minLines = 2, modifier = Modifier.fillMaxWidth())
    OutlinedTextField(s.violationAt, { v -> model.update { it.copy(violationAt = v) } },
        label = { Text(stringResource(R.string.violation_when)) },
        supportingText = { Text(stringResource(R.string.violation_when_hint)) },
        isError = !s.violationAtValid, singleLine = true, modifier = Modifier.fillMaxWidth())
    Button(onClick = model::recordViolation, enabled = s.canRecordViolation, modifier = Modifier.fillMaxWidth(),
        colors = ButtonDefaults.buttonColors(containerColor = MaterialTheme.colorScheme.error)) {
        Text(stringResource(R.string.record_violation))
    }
}

@Composable
private fun DocumentsSection(s: OrderState, model: OrderModel) {
    val context = LocalContext.current
    var noViewer by remember { mutableStateOf(false) }
    SectionTitle(stringResource(R.string.order_documents))
    Chips(OrderCopy.entries, { it == s.pdfCopy }, { stringResource(it.label()) }, { c -> model.update { it.copy(pdfCopy = c, pdf = null) } })
    Chips(Language.entries, { it in s.pdfLanguages }, { stringResource(it.label()) }, model::togglePdfLanguage)
    if (s.pdfCopy == OrderCopy.POLICE_FILE) {
        Text(stringResource(R.string.police_copy_note), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.error)
    }
    Button(onClick = model::makePdf, enabled = s.canMakePdf, modifier = Modifier.fillMaxWidth()) {
        Text(stringResource(if (s.busy == OrderAction.PDF) R.string.making_pdf else R.string.make_pdf))
    }
    val pdf = s.pdf
    if (pdf != null) {
        val chooser = stringResource(R.string.open_with)
        val subject = s.order?.number.orEmpty()
        // Printing (Android's print service) by default; another app only as a second choice.
        var otherApps by remember(pdf) { mutableStateOf(false) }
        var noPrint by remember(pdf) { mutableStateOf(false) }
        Button(onClick = { noPrint = !Documents.print(context, pdf, subject.ifEmpty { "Qorgau" }) }, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.print_pdf))
        }
        if (noPrint) Text(stringResource(R.string.no_print_service), color = MaterialTheme.colorScheme.error)
        if (!otherApps) {
            TextButton(onClick = { otherApps = true }, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.pdf_other_apps)) }
        } else {
            Text(stringResource(R.string.pdf_other_apps_note), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.error)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = { noViewer = !Documents.open(context, pdf, chooser) }, modifier = Modifier.weight(1f)) {
                    Text(stringResource(R.string.open_pdf))
                }
                OutlinedButton(onClick = { noViewer = !Documents.share(context, pdf, subject, chooser) }, modifier = Modifier.weight(1f)) {
                    Icon(painterResource(R.drawable.ic_share), contentDescription = null)
                    Text(" " + stringResource(R.string.share_pdf))
                }
            }
        }
        if (noViewer) Text(stringResource(R.string.no_pdf_app), color = MaterialTheme.colorScheme.error)
        Text(stringResource(R.string.pdf_kept_note), style = MaterialTheme.typography.bodySmall)
    }
    OutlinedButton(onClick = model::showQr, enabled = s.busy == null, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.show_qr)) }
    s.qrPng?.let { png ->
        val img by produceState<ImageBitmap?>(null, png) {
            value = withContext(Dispatchers.Default) { BitmapFactory.decodeByteArray(png, 0, png.size)?.asImageBitmap() }
        }
        img?.let {
            Box(Modifier.fillMaxWidth(), contentAlignment = Alignment.Center) {
                Image(it, contentDescription = stringResource(R.string.qr_description), filterQuality = FilterQuality.None, modifier = Modifier.size(260.dp))
            }
        }
    }
}
