package kz.qorgau.app.ui.screens

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.produceState
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kotlinx.coroutines.delay
import kz.qorgau.app.R
import kz.qorgau.app.model.AddProfileRule
import kz.qorgau.app.model.ClinicalKeyModel
import kz.qorgau.app.model.Format
import kz.qorgau.app.model.HandOverState
import kz.qorgau.app.model.ProfileSetupModel
import kz.qorgau.app.model.SignInModel
import kz.qorgau.app.security.KeyLevel
import kz.qorgau.app.security.KeySecurity
import kz.qorgau.app.ui.Chips
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.SectionTitle
import kz.qorgau.app.ui.label
import kz.qorgau.core.ErrorText
import kz.qorgau.ffi.Profile
import kz.qorgau.ffi.TeamRole
import java.time.Instant

/**
 * Profiles of the people who use this phone, each with a PIN. On first run [onBack] is null:
 * the supervisor's profile comes first (she is then signed in and adds the others), "done" leads
 * on. Later the screen is reached from the menu: the form is offered to a signed-in supervisor
 * only (the core's rule, said plainly to everyone else), and a psychologist holding the clinical
 * key hands it to a colleague waiting for it ([handOver]). [keySecurity]: how this phone's
 * wrapping key was made (recorded at set-up).
 */
@Composable
fun ProfileSetupScreen(model: ProfileSetupModel, handOver: ClinicalKeyModel, keySecurity: KeySecurity?, onBack: (() -> Unit)?) {
    val s by model.state.collectAsStateWithLifecycle()
    val h by handOver.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refresh() }
    val f = s.form

    QScreen(title = stringResource(R.string.profiles_title), onBack = onBack) { mod ->
        Column(mod.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(stringResource(R.string.profiles_intro), style = MaterialTheme.typography.bodyMedium)
            if (s.profiles.isNotEmpty()) {
                SectionTitle(stringResource(R.string.profiles_on_phone))
                s.profiles.forEach { p ->
                    Text("${p.name} · ${p.badge} · ${stringResource(p.role.label())}")
                    if (s.waitingForClinicalKey(p)) {
                        Text(stringResource(R.string.clinical_key_waiting), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.error)
                    }
                    if (h.to?.id == p.id) {
                        HandOverCard(p, h, handOver)
                    } else if (s.mayHandOverTo(p)) {
                        OutlinedButton(onClick = { handOver.start(p) }, enabled = !h.busy, modifier = Modifier.fillMaxWidth()) {
                            Text(stringResource(R.string.clinical_key_hand_over))
                        }
                    }
                }
                h.handedTo?.let { Text(stringResource(R.string.clinical_key_handed, it.name), color = MaterialTheme.colorScheme.primary) }
            }
            if (s.roles.isNotEmpty()) {
                SectionTitle(stringResource(R.string.new_profile))
                when (s.rule) {
                    AddProfileRule.FIRST_SUPERVISOR -> Text(stringResource(R.string.profiles_first_supervisor), style = MaterialTheme.typography.bodyMedium)
                    AddProfileRule.SUPERVISOR_MISSING -> Text(stringResource(R.string.profiles_supervisor_missing), style = MaterialTheme.typography.bodyMedium)
                    else -> {}
                }
                Chips(s.roles, { it == f.role }, { stringResource(it.label()) }, { r -> model.update { it.copy(role = r) } })
                OutlinedTextField(f.name, { v -> model.update { it.copy(name = v) } },
                    label = { Text(stringResource(R.string.full_name)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
                OutlinedTextField(f.badge, { v -> model.update { it.copy(badge = v) } },
                    label = { Text(stringResource(R.string.badge_number)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
                PinField(f.pin, { v -> model.update { it.copy(pin = v) } }, stringResource(R.string.pin), stringResource(R.string.pin_rules))
                PinField(f.pinAgain, { v -> model.update { it.copy(pinAgain = v) } }, stringResource(R.string.pin_again),
                    if (f.pinsDiffer) stringResource(R.string.pins_differ) else null, isError = f.pinsDiffer)
                if (f.role == TeamRole.PSYCHOLOGIST) {
                    Text(stringResource(R.string.psychologist_profile_note), style = MaterialTheme.typography.bodySmall)
                }
                s.error?.let { ErrorCard(it) }
                Button(onClick = model::create, enabled = s.canCreate, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(if (s.saving) R.string.saving else R.string.create_profile))
                }
            } else if (!s.loading) {
                // Why there is no form: the core's rule, in plain words (the refusal, if any, below).
                Text(stringResource(R.string.profiles_supervisor_only), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.error)
                s.error?.let { ErrorCard(it) }
            }
            s.created?.let { Text(stringResource(R.string.profile_created, it.name), color = MaterialTheme.colorScheme.primary) }
            if (onBack == null) {
                OutlinedButton(onClick = model::finish, enabled = s.canFinish, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(R.string.profiles_done))
                }
            }
            SectionTitle(stringResource(R.string.key_security_title))
            Text(keySecurityText(keySecurity), style = MaterialTheme.typography.bodySmall)
        }
    }
}

/** The colleague types her own PIN (a private field like every other PIN field). */
@Composable
private fun HandOverCard(colleague: Profile, h: HandOverState, model: ClinicalKeyModel) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(stringResource(R.string.clinical_key_hand_over_text, colleague.name), style = MaterialTheme.typography.bodyMedium)
            PinField(h.pin, model::setPin, stringResource(R.string.pin_for, colleague.name), null)
            h.attemptsLeft?.let { Text(stringResource(R.string.attempts_left, it), color = MaterialTheme.colorScheme.error) }
            h.error?.let { ErrorCard(it) }
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = model::cancel, enabled = !h.busy, modifier = Modifier.weight(1f)) { Text(stringResource(R.string.cancel)) }
                Button(onClick = model::handOver, enabled = h.canHandOver, modifier = Modifier.weight(1f)) {
                    Text(stringResource(if (h.busy) R.string.checking_pin else R.string.clinical_key_hand_over_short))
                }
            }
        }
    }
}

@Composable
private fun keySecurityText(k: KeySecurity?): String {
    if (k == null) return stringResource(R.string.key_security_not_recorded)
    val level = stringResource(
        when (k.level) {
            KeyLevel.STRONGBOX -> R.string.key_level_strongbox
            KeyLevel.TEE -> R.string.key_level_tee
            KeyLevel.SECURE_HARDWARE -> R.string.key_level_secure_hardware
            KeyLevel.SOFTWARE -> R.string.key_level_software
            KeyLevel.UNKNOWN -> R.string.key_level_unknown
        },
    )
    val bound = stringResource(if (k.unlockedDeviceRequired) R.string.key_unlocked_required else R.string.key_unlocked_not_required)
    return "$level. $bound."
}

@Composable
private fun PinField(value: String, onChange: (String) -> Unit, label: String, note: String?, isError: Boolean = false) {
    OutlinedTextField(
        value, { v -> onChange(v.filter(Char::isDigit).take(12)) },
        label = { Text(label) },
        supportingText = note?.let { { Text(it) } },
        isError = isError,
        visualTransformation = PasswordVisualTransformation(),
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.NumberPassword),
        singleLine = true,
        modifier = Modifier.fillMaxWidth(),
    )
}

/**
 * Sign-in: who is using the phone now. Attempts left and lock-outs are the core's. New
 * profiles are added from the menu once signed in, not from here.
 */
@Composable
fun SignInScreen(model: SignInModel) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refresh() }
    // "Now", ticking, so that a lock-out message disappears when it ends.
    val now by produceState(Instant.now()) {
        while (true) {
            delay(15_000)
            value = Instant.now()
        }
    }

    QScreen(title = stringResource(R.string.sign_in_title), onBack = null) { mod ->
        Column(mod.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(stringResource(R.string.sign_in_intro), style = MaterialTheme.typography.bodyMedium)
            s.profiles.forEach { p -> ProfileRow(p, selected = p.id == s.selectedId, now = now) { model.select(p.id) } }
            val selected = s.selected
            if (selected != null) {
                val lockedUntil = s.lockedUntil(now)
                PinField(s.pin, model::setPin, stringResource(R.string.pin_for, selected.name), null)
                if (lockedUntil != null) {
                    // The core's refusal says it with the time already; otherwise (a restart) from the list.
                    if (s.error?.text != ErrorText.ERROR_PROFILE_LOCKED) Text(
                        stringResource(R.string.locked_until, Format.instant(lockedUntil)),
                        color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.titleSmall,
                    )
                } else {
                    s.attemptsLeft?.let { Text(stringResource(R.string.attempts_left, it), color = MaterialTheme.colorScheme.error) }
                }
                s.error?.let { ErrorCard(it) }
                Button(onClick = model::unlock, enabled = s.canUnlock, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(if (s.unlocking) R.string.checking_pin else R.string.sign_in))
                }
            } else {
                s.error?.let { ErrorCard(it) }
            }
        }
    }
}

@Composable
private fun ProfileRow(p: Profile, selected: Boolean, now: Instant, onClick: () -> Unit) {
    Card(
        Modifier.fillMaxWidth().clickable(onClick = onClick),
        colors = if (selected) CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.primaryContainer) else CardDefaults.cardColors(),
    ) {
        Column(Modifier.padding(12.dp)) {
            Text(p.name, style = MaterialTheme.typography.titleSmall)
            Text("${stringResource(p.role.label())} · ${p.badge}", style = MaterialTheme.typography.bodySmall)
            if (p.role == TeamRole.PSYCHOLOGIST && !p.clinicalAccess) {
                Text(stringResource(R.string.clinical_key_waiting), style = MaterialTheme.typography.bodySmall)
            }
            p.lockedUntil?.takeIf { it.isAfter(now) }?.let {
                Text(stringResource(R.string.locked_until, Format.instant(it)), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall)
            }
        }
    }
}
