package kz.qorgau.app.ui.screens

import androidx.compose.runtime.Composable
import kz.qorgau.app.model.CaptureModel

// CaptureScreen.kt (CameraX) is left out of this check; same signature.
@Composable
fun CaptureScreen(model: CaptureModel, onBack: () -> Unit) {}
