package kz.qorgau.app.ui

import android.os.Bundle
import android.view.KeyEvent
import android.view.MotionEvent
import android.view.View
import android.view.WindowManager
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import kz.qorgau.app.AppContainer
import kz.qorgau.app.QorgauApp
import kz.qorgau.app.ui.theme.QorgauTheme

class MainActivity : ComponentActivity() {
    private lateinit var container: AppContainer

    override fun onCreate(savedInstanceState: Bundle?) {
        // Evidence, names and statements on screen: no screenshots, no screen recording, no
        // readable thumbnail in Recents. Set before any content exists.
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        container = (application as QorgauApp).container
        // A fresh launch after quick-hide (finishAndRemoveTask) starts at the PIN gate.
        if (savedInstanceState == null) container.gate.leaveNeutral()
        // Who is signed in is asked of the core before the first frame (recreated activity).
        container.gate.check()
        // Autofill services see none of the fields (personal data, PINs).
        window.decorView.importantForAutofill = View.IMPORTANT_FOR_AUTOFILL_NO_EXCLUDE_DESCENDANTS
        setContent {
            QorgauTheme {
                // No keyboard learning on any field (issue 11): see PrivateKeyboard.
                PrivateKeyboard { QorgauRoot(container) }
            }
        }
    }

    /** Every touch restarts the core's idle clock; one that finds it expired is dropped. */
    override fun dispatchTouchEvent(ev: MotionEvent): Boolean {
        if (ev.actionMasked == MotionEvent.ACTION_DOWN && container.gate.onUserInput()) return true
        return super.dispatchTouchEvent(ev)
    }

    override fun dispatchKeyEvent(event: KeyEvent): Boolean {
        if (event.action == KeyEvent.ACTION_DOWN && container.gate.onUserInput()) return true
        return super.dispatchKeyEvent(event)
    }
}
