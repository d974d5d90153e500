package kz.qorgau.app.ui

import android.text.InputType
import android.view.inputmethod.EditorInfo
import androidx.compose.runtime.Composable
import androidx.compose.ui.ExperimentalComposeUiApi
import androidx.compose.ui.platform.InterceptPlatformTextInput
import androidx.compose.ui.platform.PlatformTextInputMethodRequest

/**
 * Every text field below [content] asks the keyboard not to learn what is typed (names, IINs,
 * addresses, statements, PINs: issue 11): `IME_FLAG_NO_PERSONALIZED_LEARNING`, and for text
 * fields no autocorrection and no suggestions, whatever each field's KeyboardOptions say. Set
 * on the EditorInfo after Compose has filled it (the interceptor API's own use case), so no
 * field can forget it. A keyboard may ignore the flag (it is a request); the unit's MDM should
 * pin a keyboard that honours it.
 */
@OptIn(ExperimentalComposeUiApi::class)
@Composable
fun PrivateKeyboard(content: @Composable () -> Unit) {
    InterceptPlatformTextInput(
        interceptor = { request, nextHandler ->
            val private = PlatformTextInputMethodRequest { info ->
                val connection = request.createInputConnection(info)
                info.imeOptions = info.imeOptions or EditorInfo.IME_FLAG_NO_PERSONALIZED_LEARNING
                if (info.inputType and InputType.TYPE_MASK_CLASS == InputType.TYPE_CLASS_TEXT) {
                    info.inputType = (info.inputType and InputType.TYPE_TEXT_FLAG_AUTO_CORRECT.inv() and
                        InputType.TYPE_TEXT_FLAG_AUTO_COMPLETE.inv()) or InputType.TYPE_TEXT_FLAG_NO_SUGGESTIONS
                }
                connection
            }
            nextHandler.startInputMethod(private)
        },
        content = content,
    )
}
