package kz.qorgau.app.ui

import androidx.annotation.StringRes
import kz.qorgau.app.R
import kz.qorgau.ffi.Answer
import kz.qorgau.ffi.CaseStatus
import kz.qorgau.ffi.CaseCategory
import kz.qorgau.ffi.InterventionKind
import kz.qorgau.ffi.Language
import kz.qorgau.ffi.MediaKind
import kz.qorgau.ffi.OrderCopy
import kz.qorgau.ffi.OrderSource
import kz.qorgau.ffi.PersonRole
import kz.qorgau.ffi.ReferralKind
import kz.qorgau.ffi.ReferralStatus
import kz.qorgau.ffi.StatementKind
import kz.qorgau.ffi.TeamRole
import kz.qorgau.ffi.Trigger

// The core's enums as UI strings (values/, values-kk/, values-ru/).

@StringRes fun Trigger.label(): Int = when (this) {
    Trigger.SURVIVOR_CALL -> R.string.trigger_survivor_call
    Trigger.WITNESS_REPORT -> R.string.trigger_witness_report
    Trigger.VIDEO_RECORD -> R.string.trigger_video_record
    Trigger.OFFICER_OBSERVED -> R.string.trigger_officer_observed
    Trigger.AGENCY_REFERRAL -> R.string.trigger_agency_referral
}

@StringRes fun CaseCategory.label(): Int = when (this) {
    CaseCategory.PHYSICAL -> R.string.category_physical
    CaseCategory.PSYCHOLOGICAL -> R.string.category_psychological
    CaseCategory.SEXUAL -> R.string.category_sexual
    CaseCategory.ECONOMIC -> R.string.category_economic
    CaseCategory.STALKING -> R.string.category_stalking
    CaseCategory.FORCED_MARRIAGE -> R.string.category_forced_marriage
    CaseCategory.CHILD_INVOLVED -> R.string.category_child_involved
}

@StringRes fun TeamRole.label(): Int = when (this) {
    TeamRole.OFFICER -> R.string.team_officer
    TeamRole.PSYCHOLOGIST -> R.string.team_psychologist
    TeamRole.SOCIAL_WORKER -> R.string.team_social_worker
    TeamRole.SUPERVISOR -> R.string.team_supervisor
}

@StringRes fun PersonRole.label(): Int = when (this) {
    PersonRole.SURVIVOR -> R.string.role_survivor
    PersonRole.ALLEGED_AGGRESSOR -> R.string.role_alleged_aggressor
    PersonRole.WITNESS -> R.string.role_witness
    PersonRole.CHILD -> R.string.role_child
    PersonRole.OTHER -> R.string.role_other
}

@StringRes fun Language.label(): Int = when (this) {
    Language.KK -> R.string.language_kk
    Language.RU -> R.string.language_ru
    Language.EN -> R.string.language_en
}

@StringRes fun MediaKind.label(): Int = when (this) {
    MediaKind.PHOTO -> R.string.kind_photo
    MediaKind.VIDEO -> R.string.kind_video
    MediaKind.AUDIO -> R.string.kind_audio
}

@StringRes fun CaseStatus.label(): Int = when (this) {
    CaseStatus.OPEN -> R.string.status_open
    CaseStatus.CLOSED -> R.string.status_closed
}

@StringRes fun StatementKind.label(): Int = when (this) {
    StatementKind.GIVEN -> R.string.statement_given
    StatementKind.REFUSED -> R.string.statement_refused
}

@StringRes fun ReferralKind.label(): Int = when (this) {
    ReferralKind.CRISIS_CENTRE -> R.string.referral_crisis_centre
    ReferralKind.SHELTER -> R.string.referral_shelter
    ReferralKind.LEGAL_AID -> R.string.referral_legal_aid
    ReferralKind.PSYCHOLOGIST -> R.string.referral_psychologist
    ReferralKind.MEDICAL -> R.string.referral_medical
}

@StringRes fun ReferralStatus.label(): Int = when (this) {
    ReferralStatus.PROPOSED -> R.string.referral_status_proposed
    ReferralStatus.ACCEPTED -> R.string.referral_status_accepted
    ReferralStatus.IN_PROGRESS -> R.string.referral_status_in_progress
    ReferralStatus.COMPLETED -> R.string.referral_status_completed
    ReferralStatus.DECLINED -> R.string.referral_status_declined
    ReferralStatus.CANCELLED -> R.string.referral_status_cancelled
}

@StringRes fun InterventionKind.label(): Int = when (this) {
    InterventionKind.PREVENTIVE_TALK -> R.string.intervention_preventive_talk
    InterventionKind.HOME_VISIT -> R.string.intervention_home_visit
    InterventionKind.ORDER_CHECK -> R.string.intervention_order_check
    InterventionKind.OFFICIAL_WARNING -> R.string.intervention_official_warning
    InterventionKind.CORRECTIONAL_PROGRAMME -> R.string.intervention_correctional_programme
    InterventionKind.OTHER -> R.string.intervention_other
}

@StringRes fun Answer.label(): Int = when (this) {
    Answer.YES -> R.string.answer_yes
    Answer.NO -> R.string.answer_no
    Answer.DONT_KNOW -> R.string.answer_dont_know
}

@StringRes fun OrderSource.label(): Int = when (this) {
    OrderSource.REGISTRY -> R.string.source_registry
    OrderSource.THIS_DEVICE -> R.string.source_this_device
}

@StringRes fun OrderCopy.label(): Int = when (this) {
    OrderCopy.SERVED -> R.string.copy_served
    OrderCopy.POLICE_FILE -> R.string.copy_police_file
}
