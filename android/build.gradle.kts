// Top-level build file. AGP 9 compiles Kotlin itself ("built-in Kotlin"): no
// org.jetbrains.kotlin.android plugin. The Kotlin Gradle plugin on the classpath pins the
// Kotlin compiler to the version android/core-jvm is built and tested with.
buildscript {
    dependencies {
        classpath(libs.kotlin.gradle.plugin)
    }
}

plugins {
    alias(libs.plugins.android.application) apply false
    alias(libs.plugins.kotlin.compose) apply false
}
