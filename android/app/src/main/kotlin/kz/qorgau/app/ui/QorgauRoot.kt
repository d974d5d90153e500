package kz.qorgau.app.ui

import android.os.Build
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.res.stringResource
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.navigation.NavType
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import androidx.navigation.navArgument
import kotlinx.coroutines.launch
import kz.qorgau.app.AppContainer
import kz.qorgau.app.R
import kz.qorgau.app.data.SessionState
import kz.qorgau.app.data.UiError
import kz.qorgau.app.ui.screens.CaptureScreen
import kz.qorgau.app.ui.screens.CaseListScreen
import kz.qorgau.app.ui.screens.CaseScreen
import kz.qorgau.app.ui.screens.ExportScreen
import kz.qorgau.app.ui.screens.NewCaseScreen
import kz.qorgau.app.ui.screens.PeopleScreen
import kz.qorgau.app.ui.screens.SetupScreen
import kz.qorgau.app.ui.screens.StatementScreen
import kz.qorgau.app.ui.screens.VerifyScreen

/** Routes. A case's screens take its id as the path argument. */
private object Routes {
    const val CASES = "cases"
    const val NEW_CASE = "cases/new"
    const val CASE = "case/{caseId}"
    const val PEOPLE = "case/{caseId}/people"
    const val CAPTURE = "case/{caseId}/capture"
    const val STATEMENT = "case/{caseId}/statement"
    const val VERIFY = "case/{caseId}/verify"
    const val EXPORT = "case/{caseId}/export"

    fun case(id: String) = "case/$id"
    fun sub(id: String, what: String) = "case/$id/$what"
}

/** Opens the store first (setup on a new phone), then the case screens. */
@Composable
fun QorgauRoot(c: AppContainer) {
    val session by c.sessions.state.collectAsStateWithLifecycle()
    val scope = rememberCoroutineScope()
    LaunchedEffect(Unit) { c.sessions.start() }

    when (val s = session) {
        SessionState.Starting -> Busy(stringResource(R.string.opening_store))
        SessionState.NeedsSetup -> {
            val vm = viewModel { SetupViewModel(c, deviceLabel = "${Build.MANUFACTURER} ${Build.MODEL}") }
            SetupScreen(vm.model)
        }
        is SessionState.Failed -> StoreFailed(
            error = UiError.of(s.error, c.language()),
            onRetry = { scope.launch { c.sessions.start() } },
        )
        is SessionState.Ready -> CaseNavigation(c)
    }
}

@Composable
private fun CaseNavigation(c: AppContainer) {
    val nav = rememberNavController()
    val caseArg = listOf(navArgument("caseId") { type = NavType.StringType })
    val back: () -> Unit = { nav.popBackStack() }

    NavHost(navController = nav, startDestination = Routes.CASES) {
        composable(Routes.CASES) {
            val vm = viewModel { CaseListViewModel(c) }
            CaseListScreen(vm.model, onNewCase = { nav.navigate(Routes.NEW_CASE) }, onOpen = { nav.navigate(Routes.case(it)) })
        }
        composable(Routes.NEW_CASE) {
            val vm = viewModel { NewCaseViewModel(c) }
            NewCaseScreen(vm.model, onBack = back, onOpened = { id ->
                nav.navigate(Routes.case(id)) { popUpTo(Routes.CASES) }
            })
        }
        composable(Routes.CASE, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { CaseViewModel(c, id) }
            CaseScreen(vm.model, onBack = back, onGo = { what -> nav.navigate(Routes.sub(id, what)) })
        }
        composable(Routes.PEOPLE, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { PeopleViewModel(c, id) }
            PeopleScreen(vm.model, onBack = back)
        }
        composable(Routes.CAPTURE, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { CaptureViewModel(c, id) }
            CaptureScreen(vm.model, onBack = back)
        }
        composable(Routes.STATEMENT, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { StatementViewModel(c, id) }
            StatementScreen(vm.model, onBack = back)
        }
        composable(Routes.VERIFY, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { VerifyViewModel(c, id) }
            VerifyScreen(vm.model, onBack = back)
        }
        composable(Routes.EXPORT, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { ExportViewModel(c, id) }
            ExportScreen(vm.model, onBack = back)
        }
    }
}
