// Qorgau Android app. Open this directory (android/) in Android Studio.
// The app module compiles the UniFFI-generated bindings and the plain-JVM Kotlin layer
// (android/core-jvm) as extra source directories; see README.md.
pluginManagement {
    repositories {
        google {
            content {
                includeGroupByRegex("com\\.android.*")
                includeGroupByRegex("com\\.google.*")
                includeGroupByRegex("androidx.*")
            }
        }
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "qorgau-android"
include(":app")
