package kz.qorgau.app.ui

import android.os.Build
import androidx.activity.compose.LocalActivity
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.res.stringResource
import androidx.lifecycle.ViewModelStore
import androidx.lifecycle.ViewModelStoreOwner
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.LocalViewModelStoreOwner
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.navigation.NavType
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import androidx.navigation.navArgument
import kotlinx.coroutines.launch
import kz.qorgau.app.AppContainer
import kz.qorgau.app.R
import kz.qorgau.app.data.ProfileGate
import kz.qorgau.app.data.SessionState
import kz.qorgau.app.data.UiError
import kz.qorgau.app.ui.screens.AssessmentFormScreen
import kz.qorgau.app.ui.screens.AssessmentsScreen
import kz.qorgau.app.ui.screens.CaptureScreen
import kz.qorgau.app.ui.screens.CaseListScreen
import kz.qorgau.app.ui.screens.CaseOrdersScreen
import kz.qorgau.app.ui.screens.CaseScreen
import kz.qorgau.app.ui.screens.DueScreen
import kz.qorgau.app.ui.screens.ExportScreen
import kz.qorgau.app.ui.screens.InterventionsScreen
import kz.qorgau.app.ui.screens.IssueOrderScreen
import kz.qorgau.app.ui.screens.MainMenu
import kz.qorgau.app.ui.screens.NewCaseScreen
import kz.qorgau.app.ui.screens.OrderScreen
import kz.qorgau.app.ui.screens.PeopleScreen
import kz.qorgau.app.ui.screens.PersonCheckScreen
import kz.qorgau.app.ui.screens.ProfileSetupScreen
import kz.qorgau.app.ui.screens.QrVerifyScreen
import kz.qorgau.app.ui.screens.ReferralsScreen
import kz.qorgau.app.ui.screens.SetupScreen
import kz.qorgau.app.ui.screens.SignInScreen
import kz.qorgau.app.ui.screens.StatementScreen
import kz.qorgau.app.ui.screens.SyncScreen
import kz.qorgau.app.ui.screens.VerifyScreen
import kz.qorgau.ffi.Profile

/** Routes. A case's screens take its id as the path argument, an order's its own id. */
private object Routes {
    const val CASES = "cases"
    const val NEW_CASE = "cases/new"
    const val CASE = "case/{caseId}"
    const val PEOPLE = "case/{caseId}/people"
    const val CAPTURE = "case/{caseId}/capture"
    const val STATEMENT = "case/{caseId}/statement"
    const val VERIFY = "case/{caseId}/verify"
    const val EXPORT = "case/{caseId}/export"
    const val CASE_CHECK = "case/{caseId}/check"
    const val ORDERS = "case/{caseId}/orders"
    const val ISSUE_ORDER = "case/{caseId}/orders/new"
    const val REFERRALS = "case/{caseId}/referrals"
    const val INTERVENTIONS = "case/{caseId}/interventions"
    const val ASSESSMENTS = "case/{caseId}/assessments"
    const val NEW_ASSESSMENT = "case/{caseId}/assessments/new"
    const val ORDER = "order/{orderId}"
    const val CHECK = "check?iin={iin}"
    const val QR = "qr"
    const val DUE = "due"
    const val PROFILES = "profiles"
    const val SYNC = "sync"

    fun case(id: String) = "case/$id"
    fun sub(id: String, what: String) = "case/$id/$what"
    fun order(id: String) = "order/$id"
    fun check(iin: String? = null) = if (iin == null) "check" else "check?iin=$iin"
}

/** Opens the store first (setup on a new phone), then who is using it, then the screens. */
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
            error = UiError.of(s.error),
            onRetry = { scope.launch { c.sessions.start() } },
        )
        is SessionState.Ready -> ProfileGateRoot(c)
    }
}

/**
 * First run (profiles), sign-in, the neutral screen after quick-hide, or the signed-in screens.
 * Who is signed in is the core's (c.gate, SessionGateModel: background via ProcessLifecycleOwner
 * in QorgauApp, idle, quick-hide, sign-out), not kept here, so a recreated activity asks for the
 * PIN again. Every lock drops the signed-in screens with their ViewModels (keyed on the lock
 * generation): nothing one profile saw stays in memory for the next.
 */
@Composable
private fun ProfileGateRoot(c: AppContainer) {
    val gate by c.profiles.gate.collectAsStateWithLifecycle()
    val scope = rememberCoroutineScope()
    var failed by remember { mutableStateOf<UiError?>(null) }
    val refresh: () -> Unit = {
        scope.launch {
            failed = try {
                c.profiles.refreshGate()
                null
            } catch (e: Exception) {
                UiError.of(e)
            }
        }
    }
    LaunchedEffect(Unit) { refresh() }

    val lock by c.gate.state.collectAsStateWithLifecycle()
    // The core's idle limit also locks a screen nobody touches.
    LaunchedEffect(gate is ProfileGate.SignedIn) {
        if (gate is ProfileGate.SignedIn) c.gate.watchIdle()
    }

    val error = failed
    if (lock.neutral) {
        NeutralScreen(onTap = c.gate::leaveNeutral)
    } else if (error != null) {
        StoreFailed(error = error, onRetry = refresh)
    } else when (val g = gate) {
        ProfileGate.Loading -> Busy(stringResource(R.string.loading))
        ProfileGate.FirstRun -> {
            val vm = viewModel { ProfileSetupViewModel(c) }
            ProfileSetupScreen(vm.model, vm.handOver, remember { c.keyStore.security() }, onBack = null)
        }
        ProfileGate.SignedOut -> {
            val vm = viewModel { SignInViewModel(c) }
            SignInScreen(vm.model)
        }
        is ProfileGate.SignedIn -> {
            val activity = LocalActivity.current
            val quickHide: () -> Unit = {
                c.gate.quickHide()
                // Out of sight and out of Recents; the next launch starts at the PIN gate.
                activity?.finishAndRemoveTask()
            }
            SignedInScope("${g.profile.id}#${lock.generation}") {
                CompositionLocalProvider(LocalQuickHide provides quickHide) { CaseNavigation(c, g.profile) }
            }
        }
    }
}

/** Nothing of a case: what quick-hide leaves on screen until a tap leads to the PIN gate. */
@Composable
private fun NeutralScreen(onTap: () -> Unit) {
    Box(Modifier.fillMaxSize().clickable(onClick = onTap), contentAlignment = Alignment.Center) {
        Text(stringResource(R.string.neutral_tap), style = MaterialTheme.typography.bodyMedium)
    }
}

/** A ViewModel store for one signed-in session, cleared when it ends (sign-out or any lock). */
@Composable
private fun SignedInScope(sessionKey: String, content: @Composable () -> Unit) {
    val owner = remember(sessionKey) {
        object : ViewModelStoreOwner {
            override val viewModelStore = ViewModelStore()
        }
    }
    DisposableEffect(owner) { onDispose { owner.viewModelStore.clear() } }
    CompositionLocalProvider(LocalViewModelStoreOwner provides owner) { content() }
}

@Composable
private fun CaseNavigation(c: AppContainer, profile: Profile) {
    val nav = rememberNavController()
    val caseArg = listOf(navArgument("caseId") { type = NavType.StringType })
    val back: () -> Unit = { nav.popBackStack() }

    NavHost(navController = nav, startDestination = Routes.CASES) {
        composable(Routes.CASES) {
            val vm = viewModel { CaseListViewModel(c) }
            CaseListScreen(
                vm.model, profile,
                onNewCase = { nav.navigate(Routes.NEW_CASE) },
                onOpen = { nav.navigate(Routes.case(it)) },
                onMenu = { m ->
                    when (m) {
                        MainMenu.SYNC -> nav.navigate(Routes.SYNC)
                        MainMenu.CHECK_PERSON -> nav.navigate(Routes.check())
                        MainMenu.SCAN_ORDER -> nav.navigate(Routes.QR)
                        MainMenu.DUE_THIS_WEEK -> nav.navigate(Routes.DUE)
                        MainMenu.PROFILES -> nav.navigate(Routes.PROFILES)
                        MainMenu.SIGN_OUT -> c.gate.signOut()
                    }
                },
            )
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

        // ---- check at the scene ----
        composable(Routes.CASE_CHECK, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { PersonCheckViewModel(c, id) }
            PersonCheckScreen(vm.model, onBack = back)
        }
        composable(Routes.CHECK, listOf(navArgument("iin") { type = NavType.StringType; nullable = true; defaultValue = null })) { entry ->
            val vm = viewModel { PersonCheckViewModel(c, null) }
            PersonCheckScreen(vm.model, onBack = back, initialIin = entry.arguments?.getString("iin"), stationKey = vm.stationKey)
        }

        // ---- protection orders ----
        composable(Routes.ORDERS, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { CaseOrdersViewModel(c, id) }
            CaseOrdersScreen(vm.model, onBack = back, onIssue = { nav.navigate(Routes.sub(id, "orders/new")) }, onOpen = { nav.navigate(Routes.order(it)) })
        }
        composable(Routes.ISSUE_ORDER, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { IssueOrderViewModel(c, id) }
            IssueOrderScreen(vm.model, onBack = back, onIssued = { orderId ->
                // Straight on to serving and printing; back leads to the case's orders.
                nav.navigate(Routes.order(orderId)) { popUpTo(Routes.ORDERS) }
            })
        }
        composable(Routes.ORDER, listOf(navArgument("orderId") { type = NavType.StringType })) { entry ->
            val id = entry.arguments?.getString("orderId").orEmpty()
            val vm = viewModel { OrderViewModel(c, id) }
            OrderScreen(vm.model, onBack = back, onCheckPerson = { caseId -> nav.navigate(Routes.sub(caseId, "check")) })
        }
        composable(Routes.QR) {
            val vm = viewModel { QrVerifyViewModel(c) }
            QrVerifyScreen(vm.model, onBack = back, onCheckPerson = { iin -> nav.navigate(Routes.check(iin)) })
        }

        // ---- referrals, interventions, due ----
        composable(Routes.REFERRALS, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { ReferralsViewModel(c, id) }
            ReferralsScreen(vm.model, onBack = back)
        }
        composable(Routes.INTERVENTIONS, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { InterventionsViewModel(c, id) }
            InterventionsScreen(vm.model, onBack = back)
        }
        composable(Routes.DUE) {
            val vm = viewModel { DueViewModel(c) }
            DueScreen(vm.model, onBack = back, onOpenCase = { caseId -> nav.navigate(Routes.sub(caseId, "interventions")) })
        }

        // ---- risk assessments ----
        composable(Routes.ASSESSMENTS, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { AssessmentsViewModel(c, id) }
            AssessmentsScreen(vm.model, onBack = back, onNew = { nav.navigate(Routes.sub(id, "assessments/new")) })
        }
        composable(Routes.NEW_ASSESSMENT, caseArg) { entry ->
            val id = entry.arguments?.getString("caseId").orEmpty()
            val vm = viewModel { AssessmentFormViewModel(c, id) }
            AssessmentFormScreen(vm.model, onBack = back)
        }

        // ---- sending to the station ----
        composable(Routes.SYNC) {
            val vm = viewModel { SyncViewModel(c) }
            SyncScreen(vm.model, onBack = back)
        }

        // ---- profiles (adding one later: a signed-in supervisor; the clinical key's hand-over) ----
        composable(Routes.PROFILES) {
            val vm = viewModel { ProfileSetupViewModel(c) }
            ProfileSetupScreen(vm.model, vm.handOver, remember { c.keyStore.security() }, onBack = back)
        }
    }
}
