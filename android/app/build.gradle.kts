import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.compose)
}

// The repository around android/: the UniFFI-generated Kotlin and the plain-JVM Kotlin layer
// are compiled into the app as extra source directories (never copied, never edited here).
val repoRoot: File = rootProject.projectDir.parentFile
val generatedBindings = File(repoRoot, "bindings/generated/kotlin")
val coreJvmSources = File(rootProject.projectDir, "core-jvm/src/main/kotlin")

android {
    namespace = "kz.qorgau.app"
    compileSdk = 36

    defaultConfig {
        applicationId = "kz.qorgau.app"
        minSdk = 26
        targetSdk = 36
        versionCode = 1
        versionName = "0.1.0"
        // The ABIs scripts/build-rust-android.sh builds libqorgau_ffi.so for.
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    buildFeatures { compose = true }

    sourceSets {
        getByName("main") {
            kotlin.srcDir(generatedBindings)   // kz.qorgau.ffi (bindings/scripts/generate.sh)
            kotlin.srcDir(coreJvmSources)      // kz.qorgau.core (FieldSession, forms, errors)
            // jniLibs: src/main/jniLibs/<abi>/libqorgau_ffi.so (scripts/build-rust-android.sh)
        }
    }

    lint {
        lintConfig = file("lint.xml")
    }
}

kotlin {
    compilerOptions { jvmTarget = JvmTarget.JVM_17 }
}

dependencies {
    // UniFFI's Kotlin loads the Rust library through JNA; the AAR carries libjnidispatch.so.
    implementation("net.java.dev.jna:jna:${libs.versions.jna.get()}@aar")
    implementation(libs.coroutines.android)

    implementation(platform(libs.compose.bom))
    implementation(libs.compose.ui)
    implementation(libs.compose.ui.tooling.preview)
    implementation(libs.compose.material3)
    debugImplementation(libs.compose.ui.tooling)

    implementation(libs.activity.compose)
    implementation(libs.lifecycle.viewmodel.compose)
    implementation(libs.lifecycle.runtime.compose)
    implementation(libs.lifecycle.process)   // ProcessLifecycleOwner: lock on background (QorgauApp)
    implementation(libs.navigation.compose)

    implementation(libs.camera.core)
    implementation(libs.camera.camera2)
    implementation(libs.camera.lifecycle)
    implementation(libs.camera.video)
    implementation(libs.camera.view)

    implementation(libs.work.runtime)   // background sync (kz.qorgau.app.sync)

    // Not in gradle/libs.versions.toml yet (outside this change's files): move them there.
    implementation("androidx.core:core-ktx:1.17.0")              // FileProvider for printed orders
    // QR codes: scan-to-verify and the duty officer's enrolment card (sync screen); bundled model,
    // on the device, no Play services (behind capture/QrScanner, ui/scan/MlKitQrScanner)
    implementation("com.google.mlkit:barcode-scanning:17.3.0")
}

// ---- Rust library and bindings ---------------------------------------------------------------

// Builds libqorgau_ffi.so for every ABI with cargo-ndk and regenerates the Kotlin bindings.
// Needs Rust, cargo-ndk and the NDK: ./gradlew :app:buildRustAndroid
val buildRustAndroid by tasks.registering(Exec::class) {
    group = "qorgau"
    description = "Builds libqorgau_ffi.so (cargo-ndk) into src/main/jniLibs and regenerates the Kotlin bindings."
    workingDir = rootProject.projectDir
    commandLine("bash", "scripts/build-rust-android.sh")
}

// Regenerates only the Kotlin (and Swift) bindings from a host build: ./gradlew :app:generateBindings
val generateBindings by tasks.registering(Exec::class) {
    group = "qorgau"
    description = "Runs bindings/scripts/generate.sh (cargo) to regenerate bindings/generated/kotlin."
    workingDir = repoRoot
    commandLine("bash", "bindings/scripts/generate.sh")
}

// Fails early, with the command to run, when the bindings or the native library are missing.
val checkRustArtifacts by tasks.registering {
    group = "qorgau"
    description = "Checks that the generated bindings and libqorgau_ffi.so are present."
    val bindingsFile = File(generatedBindings, "kz/qorgau/ffi/qorgau.kt")
    val jniLibsDir = layout.projectDirectory.dir("src/main/jniLibs").asFile
    doLast {
        if (!bindingsFile.isFile) {
            throw GradleException(
                "Missing generated bindings $bindingsFile.\n" +
                    "Run android/scripts/build-rust-android.sh (or ./gradlew :app:buildRustAndroid) first."
            )
        }
        val libs = jniLibsDir.walkTopDown().filter { it.name == "libqorgau_ffi.so" }.map { it.parentFile.name }.toList()
        if (libs.isEmpty()) {
            throw GradleException(
                "No libqorgau_ffi.so under $jniLibsDir.\n" +
                    "Run android/scripts/build-rust-android.sh (or ./gradlew :app:buildRustAndroid) first."
            )
        }
    }
}

tasks.named("preBuild") {
    // -Pqorgau.buildRust=true rebuilds the Rust library and bindings as part of every build.
    if (providers.gradleProperty("qorgau.buildRust").orNull == "true") dependsOn(buildRustAndroid)
    dependsOn(checkRustArtifacts)
}
checkRustArtifacts.configure { mustRunAfter(buildRustAndroid) }
