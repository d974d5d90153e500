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
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
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
import kz.qorgau.ffi.Uuid

/** All cases on this phone, newest first. */
@Composable
fun CaseListScreen(model: CaseListModel, onNewCase: () -> Unit, onOpen: (Uuid) -> Unit) {
    val s by model.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refresh() }
    QScreen(
        title = stringResource(R.string.cases_title),
        onBack = null,
        actions = {
            IconButton(onClick = model::refresh) {
                Icon(painterResource(R.drawable.ic_refresh), contentDescription = stringResource(R.string.refresh))
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
