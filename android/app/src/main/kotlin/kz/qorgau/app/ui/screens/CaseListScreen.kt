package kz.qorgau.app.ui.screens

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Card
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.painterResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kz.qorgau.app.R
import kz.qorgau.app.model.CaseListModel
import kz.qorgau.app.model.Format
import kz.qorgau.app.ui.Busy
import kz.qorgau.app.ui.ErrorCard
import kz.qorgau.app.ui.QScreen
import kz.qorgau.app.ui.label
import kz.qorgau.ffi.CaseSummary
import kz.qorgau.ffi.Profile
import kz.qorgau.ffi.Uuid

/** Where the menu leads from the case list. */
enum class MainMenu { SYNC, CHECK_PERSON, SCAN_ORDER, DUE_THIS_WEEK, PROFILES, SIGN_OUT }

/** All cases on this phone, newest first; the menu has the tools that are not tied to a case. */
@Composable
fun CaseListScreen(model: CaseListModel, profile: Profile, onNewCase: () -> Unit, onOpen: (Uuid) -> Unit, onMenu: (MainMenu) -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refresh() }
    var menu by remember { mutableStateOf(false) }
    QScreen(
        title = stringResource(R.string.cases_title),
        onBack = null,
        actions = {
            IconButton(onClick = model::refresh) {
                Icon(painterResource(R.drawable.ic_refresh), contentDescription = stringResource(R.string.refresh))
            }
            Box {
                IconButton(onClick = { menu = true }) {
                    Icon(painterResource(R.drawable.ic_more), contentDescription = stringResource(R.string.menu))
                }
                DropdownMenu(expanded = menu, onDismissRequest = { menu = false }) {
                    MainMenu.entries.forEach { m ->
                        DropdownMenuItem(text = { Text(stringResource(m.label())) }, onClick = { menu = false; onMenu(m) })
                    }
                }
            }
        },
        floating = {
            ExtendedFloatingActionButton(
                onClick = onNewCase,
                icon = { Icon(painterResource(R.drawable.ic_add), contentDescription = null) },
                text = { Text(stringResource(R.string.new_case)) },
            )
        },
    ) { mod ->
        when {
            s.loading && s.cases.isEmpty() -> Box(mod) { Busy(stringResource(R.string.loading)) }
            else -> LazyColumn(mod, contentPadding = PaddingValues(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                item {
                    Text(
                        stringResource(R.string.signed_in_as, profile.name, stringResource(profile.role.label())),
                        style = MaterialTheme.typography.bodySmall,
                    )
                }
                s.error?.let { e -> item { ErrorCard(e) } }
                if (s.cases.isEmpty()) item {
                    Box(Modifier.fillMaxSize().padding(32.dp), contentAlignment = Alignment.Center) {
                        Text(stringResource(R.string.no_cases))
                    }
                }
                items(s.cases, key = { it.case.id }) { c -> CaseRow(c) { onOpen(c.case.id) } }
            }
        }
    }
}

@Composable
private fun CaseRow(c: CaseSummary, onClick: () -> Unit) {
    Card(Modifier.fillMaxWidth().clickable(onClick = onClick)) {
        Column(Modifier.padding(12.dp)) {
            Text(Format.deviceTime(c.case.openedAt), style = MaterialTheme.typography.titleSmall)
            Text(stringResource(c.case.trigger.label()) + " · " + stringResource(c.status.label()))
            if (c.case.categories.isNotEmpty()) {
                Text(c.case.categories.map { stringResource(it.label()) }.joinToString(", "), style = MaterialTheme.typography.bodySmall)
            }
            Text(
                stringResource(R.string.case_counts, c.people.toInt(), c.evidence.toInt(), c.statements.toInt()),
                style = MaterialTheme.typography.bodySmall,
            )
        }
    }
}

private fun MainMenu.label(): Int = when (this) {
    MainMenu.SYNC -> R.string.sync_title
    MainMenu.CHECK_PERSON -> R.string.check_person
    MainMenu.SCAN_ORDER -> R.string.qr_title
    MainMenu.DUE_THIS_WEEK -> R.string.due_title
    MainMenu.PROFILES -> R.string.profiles_title
    MainMenu.SIGN_OUT -> R.string.sign_out
}
