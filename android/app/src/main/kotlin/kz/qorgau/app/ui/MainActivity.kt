package kz.qorgau.app.ui

import android.os.Bundle
import android.view.WindowManager
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import kz.qorgau.app.QorgauApp
import kz.qorgau.app.ui.theme.QorgauTheme

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        // Evidence, names and statements on screen: no screenshots, no screen recording, no
        // readable thumbnail in Recents. Set before any content exists.
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        val container = (application as QorgauApp).container
        setContent {
            QorgauTheme {
                QorgauRoot(container)
            }
        }
    }
}
