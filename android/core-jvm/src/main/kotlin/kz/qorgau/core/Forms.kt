package kz.qorgau.core

import kz.qorgau.ffi.CaseLocation
import kz.qorgau.ffi.CaseCategory
import kz.qorgau.ffi.GeoPoint
import kz.qorgau.ffi.IinProblem
import kz.qorgau.ffi.NewCase
import kz.qorgau.ffi.NewPerson
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.QorgauException
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.Trigger
import kz.qorgau.ffi.validateIin

/** State of the "new case" screen; [toNewCase] gives what the core takes. */
data class NewCaseForm(
    val trigger: Trigger = Trigger.WITNESS_REPORT,
    val categories: Set<CaseCategory> = emptySet(),
    val lat: Double? = null,
    val lon: Double? = null,
    val accuracyM: Double? = null,
    val address: String = "",
    val team: List<TeamMember> = emptyList(),
    val summary: String = "",
) {
    fun toNewCase(): NewCase = NewCase(
        location = CaseLocation(
            point = if (lat != null && lon != null) GeoPoint(lat, lon, accuracyM ?: 0.0) else null,
            address = address.trim().ifEmpty { null },
        ),
        trigger = trigger,
        categories = categories.toList(),
        team = team,
        summary = summary.trim().ifEmpty { null },
    )
}

/** State of the "add person" screen, with live IIN validation through the core. */
data class PersonForm(
    val role: PersonRole = PersonRole.SURVIVOR,
    val fullName: String = "",
    val dateOfBirth: String = "",
    val iin: String = "",
    val relation: String = "",
    val phone: String = "",
    val address: String = "",
    val identityProtected: Boolean = false,
    val addressConfidential: Boolean = false,
) {
    /** Null when the IIN is empty or valid; otherwise why the core refuses it (typed; no digits echoed). */
    fun iinProblem(): IinProblem? {
        if (iin.isBlank()) return null
        return try {
            validateIin(iin.trim())
            null
        } catch (e: QorgauException.InvalidIin) {
            e.problem
        }
    }

    /** Survivors' and children's addresses are always confidential (the core enforces it too). */
    val addressAlwaysConfidential: Boolean get() = role == PersonRole.SURVIVOR || role == PersonRole.CHILD

    fun toNewPerson(): NewPerson = NewPerson(
        role = role,
        fullName = fullName,
        dateOfBirth = dateOfBirth.trim().ifEmpty { null },
        relationToSurvivor = relation.trim().ifEmpty { null },
        phone = phone.trim().ifEmpty { null },
        address = address.trim().ifEmpty { null },
        iin = iin.trim().ifEmpty { null },
        identityProtected = identityProtected,
        addressConfidential = addressConfidential || addressAlwaysConfidential,
    )
}
