package kz.qorgau.core

import kz.qorgau.ffi.IinProblem
import kz.qorgau.ffi.InterventionKind
import kz.qorgau.ffi.Language
import kz.qorgau.ffi.MatchKind
import kz.qorgau.ffi.NewIntervention
import kz.qorgau.ffi.NewOrder
import kz.qorgau.ffi.NewReferral
import kz.qorgau.ffi.OrderCopy
import kz.qorgau.ffi.OrderSource
import kz.qorgau.ffi.PersonQuery
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.QrRejection
import kz.qorgau.ffi.ReferralChange
import kz.qorgau.ffi.ReferralKind
import kz.qorgau.ffi.ReferralStatus
import kz.qorgau.ffi.ServeOrder
import kz.qorgau.ffi.Service
import kz.qorgau.ffi.Trigger
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.time.Duration
import java.time.Instant

/** Protection orders from Kotlin: issue → serve → check_person, and the refusals. */
class OrdersTest {
    @TempDir lateinit var tmp: File

    @Test
    fun `issue, serve, print, verify the QR and check the aggressor at the scene`() {
        FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile).use { s ->
            val store = s.store
            val case = store.openCase(NewCaseForm(trigger = Trigger.WITNESS_REPORT, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase()).record.id
            val survivor = store.addPerson(case, PersonForm(role = PersonRole.SURVIVOR, fullName = "Aigerim Testova", iin = Fixtures.SURVIVOR_IIN, address = "Synthetic Refuge 9").toNewPerson()).record
            val aggressor = store.addPerson(case, PersonForm(role = PersonRole.ALLEGED_AGGRESSOR, fullName = "Nurlan Sampleuly", iin = Fixtures.AGGRESSOR_IIN).toNewPerson()).record

            val before = store.checkPerson(PersonQuery(Fixtures.AGGRESSOR_IIN, null, null, case))
            assertEquals(MatchKind.NO_MATCH, before.matchKind)
            assertFalse(before.repeatOffender)

            val rules = store.orderRules()
            assertEquals(30u, rules.termDays)
            val codes = rules.prohibitions.map { it.code }
            val order = store.issueOrder(case, NewOrder(aggressor.id, listOf(survivor.id), codes.take(3), null, null, null, "wants protection")).record
            assertTrue(order.number.startsWith("PO-"), order.number)
            assertEquals(Duration.ofDays(30), Duration.between(order.validFrom, order.validUntil))

            val served = store.serveOrder(order.id, ServeOrder.RefusedToSign(listOf("Gulnara Fictiva (neighbour)")))
            assertTrue((served.record.event as kz.qorgau.ffi.OrderEventKind.Served).service is Service.RefusedToSign)
            assertThrows<QorgauException.Conflict> { store.serveOrder(order.id, ServeOrder.RefusedToSign(listOf("again"))) }

            val pdf = store.orderPdf(order.id, OrderCopy.SERVED, listOf(Language.KK, Language.RU))
            assertEquals("%PDF", String(pdf.copyOfRange(0, 4)))
            val qr = store.orderQrText(order.id)
            val verified = store.verifyOrderQr(qr)
            assertEquals(order.number, verified.number)
            assertEquals(order.validFrom.epochSecond, verified.validFrom.epochSecond, "typed instants (the code keeps seconds)")
            assertEquals(order.validUntil.epochSecond, verified.validUntil.epochSecond)
            assertEquals(codes.take(3), verified.prohibitions)
            assertEquals(store.device().deviceId.replace("-", ""), verified.deviceId.replace("-", ""), "this phone signed it (the code holds the id without dashes)")
            assertFalse(verified.issuedAt.isAfter(Instant.now()))
            val cut = assertThrows<QorgauException.InvalidQr> { store.verifyOrderQr(qr.dropLast(10)) }
            assertEquals(QrRejection.MALFORMED, cut.rejection)
            assertEquals(ErrorText.ERROR_QR_MALFORMED, ErrorMessages.of(cut).text)
            // One character of the signature changed: still well-formed, no longer signed.
            val dot = qr.lastIndexOf('.')
            val i = dot + 20
            val tampered = qr.substring(0, i) + (if (qr[i] == 'A') 'B' else 'A') + qr.substring(i + 1)
            val altered = assertThrows<QorgauException.InvalidQr> { store.verifyOrderQr(tampered) }
            assertEquals(QrRejection.TAMPERED, altered.rejection)
            assertEquals(ErrorText.ERROR_QR_TAMPERED, ErrorMessages.of(altered).text)
            assertTrue(store.orderQrPng(order.id, 4u).size > 100)

            store.recordViolation(order.id, "called 14 times", Instant.now())
            val check = store.checkPerson(PersonQuery(Fixtures.AGGRESSOR_IIN, null, null, case))
            assertEquals(MatchKind.IIN, check.matchKind)
            assertEquals(1, check.activeOrders.size)
            assertEquals(OrderSource.THIS_DEVICE, check.activeOrders[0].source)
            assertEquals(codes.take(3), check.activeOrders[0].prohibitions)
            assertEquals(1u, check.pastViolations)
            assertTrue(check.repeatOffender)
            assertEquals("1990-11-02", check.birthDate, "read from the IIN asked about (no registry record)")
            assertNull(check.registryGeneratedAt, "no registry from the station on this phone")

            val referral = store.makeReferral(case, NewReferral(survivor.id, ReferralKind.SHELTER, "Synthetic Refuge", 1u, true, null)).record
            store.updateReferral(referral.id, ReferralChange.ConsentWithdrawn(null))
            assertEquals(ReferralStatus.CANCELLED, store.referrals(case)[0].status)
            store.recordIntervention(case, NewIntervention(aggressor.id, InterventionKind.PREVENTIVE_TALK, "2026-11-20", "explained", "2026-11-23"))
            assertEquals(1, store.dueThisWeek("2026-11-22").count { !it.overdue })
            assertTrue(store.verify(case).ok)
        }
    }

    @Test
    fun `bad orders arrive as typed exceptions`() {
        FieldSession.openOrInit(File(tmp, "store"), TestKeyStore(), Fixtures.profile).use { s ->
            val store = s.store
            val case = store.openCase(NewCaseForm(trigger = Trigger.SURVIVOR_CALL, address = "Synthetic street 1", team = listOf(Fixtures.officer)).toNewCase()).record.id
            val survivor = store.addPerson(case, PersonForm(role = PersonRole.SURVIVOR, fullName = "Aigerim Testova", iin = Fixtures.SURVIVOR_IIN).toNewPerson()).record
            val teen = store.addPerson(case, PersonForm(role = PersonRole.OTHER, fullName = "Teen Sampleuly", dateOfBirth = "2012-01-01").toNewPerson()).record
            val e = assertThrows<QorgauException.InvalidInput> { store.issueOrder(case, NewOrder(teen.id, listOf(survivor.id), listOf("contact"), null, null, null, null)) }
            assertEquals("restricted_person", e.field)
            val now = Instant.now()
            val ends = assertThrows<QorgauException.InvalidInput> { store.issueOrder(case, NewOrder(teen.id, listOf(survivor.id), listOf("contact"), now, now.minusSeconds(60), null, null)) }
            assertTrue(ends.field == "restricted_person" || ends.field == "valid_until")
            val iin = assertThrows<QorgauException.InvalidIin> { store.checkPerson(PersonQuery(Fixtures.INVALID_IIN, null, null, null)) }
            assertEquals(IinProblem.CHECK_DIGIT_MISMATCH, iin.problem)
            assertTrue(store.ordersOfCase(case).isEmpty())
        }
    }
}
