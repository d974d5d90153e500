package kz.qorgau.app.ui.theme

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color

private val Navy = Color(0xFF1F3A5F)
private val Teal = Color(0xFF2E7D7A)

/**
 * Plain, high-contrast colours for use outdoors and at night; no dynamic colour (the same look
 * on every phone of the unit). Text uses the system font, which covers Kazakh Cyrillic
 * (ә ғ қ ң ө ұ ү һ і) on Android; check on the unit's phones before embedding any other font.
 */
@Composable
fun QorgauTheme(content: @Composable () -> Unit) {
    val colors = if (isSystemInDarkTheme()) {
        darkColorScheme(primary = Color(0xFF9CC3F0), secondary = Color(0xFF86D2CD))
    } else {
        lightColorScheme(primary = Navy, secondary = Teal)
    }
    MaterialTheme(colorScheme = colors, content = content)
}
