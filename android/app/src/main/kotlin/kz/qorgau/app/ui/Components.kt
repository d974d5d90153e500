package kz.qorgau.app.ui

import android.content.Context
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.FilterChip
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.staticCompositionLocalOf
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.painterResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import kz.qorgau.app.QorgauApp
import kz.qorgau.app.R
import kz.qorgau.app.data.UiError

/**
 * Quick-hide for the top bars of the signed-in screens (provided by QorgauRoot: locks the
 * session, drops every screen, leaves the app); null outside them (set-up, sign-in).
 */
val LocalQuickHide = staticCompositionLocalOf<(() -> Unit)?> { null }

/**
 * The next trip out of the app is to a picker, viewer or share sheet the officer opened here:
 * the background lock skips it once (the core's idle limit still runs, see SessionGateModel).
 */
fun Context.expectExternal() {
    (applicationContext as? QorgauApp)?.container?.gate?.expectExternal()
}

/** A screen with a title bar, an optional back arrow and, when signed in, quick-hide. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun QScreen(
    title: String,
    onBack: (() -> Unit)?,
    actions: @Composable () -> Unit = {},
    floating: @Composable () -> Unit = {},
    content: @Composable (Modifier) -> Unit,
) {
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(title) },
                navigationIcon = {
                    if (onBack != null) {
                        IconButton(onClick = onBack) {
                            Icon(painterResource(R.drawable.ic_back), contentDescription = stringResource(R.string.back))
                        }
                    }
                },
                actions = {
                    actions()
                    val quickHide = LocalQuickHide.current
                    if (quickHide != null) {
                        IconButton(onClick = quickHide) {
                            Icon(painterResource(R.drawable.ic_quick_hide), contentDescription = stringResource(R.string.quick_hide))
                        }
                    }
                },
            )
        },
        floatingActionButton = floating,
    ) { padding ->
        content(Modifier.padding(padding).fillMaxSize())
    }
}

@Composable
fun Busy(label: String) {
    Box(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) {
        Column(horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(12.dp)) {
            CircularProgressIndicator()
            Text(label)
        }
    }
}

/**
 * An error by kind, in the UI language (ErrorTexts: one string per kind and typed reason; the
 * core's English words are never shown). A sync failure also says whether it passes by itself.
 * [title]: what was being done (e.g. "Last attempt · time"), above the message.
 */
@Composable
fun ErrorCard(error: UiError, modifier: Modifier = Modifier, title: String? = null) {
    Card(
        modifier = modifier.fillMaxWidth(),
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer),
    ) {
        Column(Modifier.padding(12.dp)) {
            title?.let { Text(it, style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.onErrorContainer) }
            Text(errorText(error.message), style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onErrorContainer)
            error.transient?.let { RetryNote(it) }
        }
    }
}

/** Whether a sync failure passes by itself (the next background sync tries again) or needs someone to act. */
@Composable
fun RetryNote(retriesByItself: Boolean) {
    Text(
        stringResource(if (retriesByItself) R.string.sync_retries_by_itself else R.string.sync_needs_action),
        style = MaterialTheme.typography.bodySmall,
        color = MaterialTheme.colorScheme.onErrorContainer,
    )
}

/** The store could not be opened: what happened, and a retry (e.g. after unlocking the phone). */
@Composable
fun StoreFailed(error: UiError, onRetry: () -> Unit) {
    Box(Modifier.fillMaxSize().padding(24.dp), contentAlignment = Alignment.Center) {
        Column(verticalArrangement = Arrangement.spacedBy(16.dp)) {
            Text(stringResource(R.string.store_failed_title), style = MaterialTheme.typography.titleLarge)
            ErrorCard(error)
            Button(onClick = onRetry) { Text(stringResource(R.string.retry)) }
        }
    }
}

@Composable
fun SectionTitle(text: String) {
    Text(text, style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(top = 8.dp))
}

@Composable
fun LabeledSwitch(label: String, checked: Boolean, onChange: (Boolean) -> Unit, enabled: Boolean = true, note: String? = null) {
    Row(Modifier.fillMaxWidth(), verticalAlignment = Alignment.CenterVertically) {
        Column(Modifier.weight(1f)) {
            Text(label)
            note?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
        }
        Spacer(Modifier.width(8.dp))
        Switch(checked = checked, onCheckedChange = onChange, enabled = enabled)
    }
}

/** One choice (or several, with [selected] a set) among a few options, as chips. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun <T> Chips(options: List<T>, selected: (T) -> Boolean, label: @Composable (T) -> String, onClick: (T) -> Unit, enabled: Boolean = true) {
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        options.forEach { o ->
            FilterChip(selected = selected(o), onClick = { onClick(o) }, label = { Text(label(o)) }, enabled = enabled)
        }
    }
}

/** A label and a value on one line (case facts, verification results). */
@Composable
fun Fact(label: String, value: String, mono: Boolean = false) {
    Row(Modifier.fillMaxWidth().padding(vertical = 2.dp)) {
        Text(label, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.weight(0.4f))
        Text(
            value,
            style = MaterialTheme.typography.bodyMedium,
            fontFamily = if (mono) FontFamily.Monospace else null,
            modifier = Modifier.weight(0.6f),
        )
    }
}
