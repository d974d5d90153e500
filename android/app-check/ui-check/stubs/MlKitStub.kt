package kz.qorgau.app.ui.scan

import android.content.Context
import androidx.camera.view.PreviewView
import androidx.lifecycle.LifecycleOwner
import kz.qorgau.app.capture.QrScanner

class MlKitQrScanner(context: Context, owner: LifecycleOwner, previewView: PreviewView) : QrScanner {
    override fun start(onText: (String) -> Unit) {}
    override fun stop() {}
}
