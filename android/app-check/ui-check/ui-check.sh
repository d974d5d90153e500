#!/usr/bin/env bash
# Compile check of the app's Compose code (app/src/main/kotlin/.../ui/) where there is no Android
# SDK and no Gradle: kotlinc with the Compose compiler plugin, against the AndroidX classes
# (classes.jar of each AAR, pom.xml here) and the Android 14 framework classes (android-all),
# together with everything else the app compiles (model/, data/, capture/, security/, sync/ and
# QorgauApp.kt against WorkManager, the generated bindings, android/core-jvm).
#
# Stand-ins, for this check only (stubs/): an R class generated from res/ (ids are made up),
# CaptureScreen and MlKitQrScanner with their real signatures, and PreviewView: CameraX and ML
# Kit were not on the Google Maven mirror this was written with, so CaptureScreen.kt and
# ui/scan/MlKitQrScanner.kt are not compiled here. Not checked either: resources (aapt2), the
# manifest, lint, R8, the Gradle build. Needs Maven, Java 17+, Google's Maven reachable.
#
#   android/app-check/ui-check/ui-check.sh        about 1 min on 2 cores with a warm cache
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ANDROID_DIR=$(cd "$HERE/../.." && pwd)
REPO=$(cd "$ANDROID_DIR/.." && pwd)
APP_SRC="$ANDROID_DIR/app/src/main/kotlin"
RES="$ANDROID_DIR/app/src/main/res"
T="$HERE/target"

mvn -B -q -f "$HERE/pom.xml" generate-sources
mvn -B -q -f "$HERE/compiler/pom.xml" generate-sources

# classes.jar out of every AAR
mkdir -p "$T/jars"
for f in "$T"/classpath/*; do
  name=$(basename "$f")
  case "$name" in
    *.aar) [ -f "$T/jars/${name%.aar}.jar" ] || unzip -q -p "$f" classes.jar > "$T/jars/${name%.aar}.jar" ;;
    *.jar) cp -f "$f" "$T/jars/" ;;
  esac
done

# R: every string and drawable of res/, with made-up ids
mkdir -p "$T/gen"
{
  echo "package kz.qorgau.app"
  echo "object R {"
  echo "    object string {"
  grep -oE '<string name="[a-z0-9_]+"' "$RES/values/strings.xml" | sed -E 's/<string name="([a-z0-9_]+)"/\1/' \
    | awk '{ printf "        const val %s = %d\n", $1, 2130771968 + NR }'
  echo "    }"
  echo "    object drawable {"
  for d in "$RES"/drawable/*.xml; do basename "$d" .xml; done \
    | awk '{ printf "        const val %s = %d\n", $1, 2130837504 + NR }'
  echo "    }"
  echo "}"
} > "$T/gen/R.kt"

SOURCES=$(find "$APP_SRC" -name '*.kt' ! -name CaptureScreen.kt ! -name MlKitQrScanner.kt)
CP=$(ls "$T"/jars/*.jar | tr '\n' ':')
KC=$(ls "$T"/compiler/*.jar | tr '\n' ':')
PLUGIN=$(ls "$T"/compiler/kotlin-compose-compiler-plugin-embeddable-*.jar)
rm -rf "$T/classes" && mkdir -p "$T/classes"
# shellcheck disable=SC2086
java -Xmx2g -cp "$KC" org.jetbrains.kotlin.cli.jvm.K2JVMCompiler \
  -Xplugin="$PLUGIN" -no-stdlib -no-reflect -jvm-target 17 \
  -cp "$CP" -d "$T/classes" \
  $SOURCES "$REPO/bindings/generated/kotlin" "$ANDROID_DIR/core-jvm/src/main/kotlin" "$HERE/stubs" "$T/gen/R.kt"
echo "ui-check: compiled $(echo "$SOURCES" | wc -l) app sources, $(find "$T/classes" -name '*.class' | wc -l) classes"
