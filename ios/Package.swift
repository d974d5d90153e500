// swift-tools-version:5.9
//
// Qorgau's Swift layer over the Rust core (UniFFI bindings, crate `bindings/`, library `qorgau_ffi`).
//
//   QorgauFFIC   C module with the generated header (copied in by scripts/prepare-bindings.sh),
//                or, on Apple platforms when QorgauFFIC.xcframework exists, the XCFramework built by
//                scripts/build-xcframework.sh (static library + header + module map).
//   QorgauFFI    the generated Swift bindings (copied in by scripts/prepare-bindings.sh; never edited).
//   Qorgau       hand-written API and view models (no SwiftUI/UIKit: builds and tests on Linux), with
//                its own strings (Resources/<lang>.lproj/Localizable.strings: errors and sync problems
//                by kind, in kk, ru and en).
//   QorgauTests  XCTest against the real Rust library.
//
// Linking against a cargo-built shared library (Linux, or `swift test` on a Mac):
//   QORGAU_LIB_DIR=<dir with libqorgau_ffi.so|.dylib>   default: <package dir>/../target/debug
//
// The generated bindings are compiled in Swift 5 language mode (swift-tools 5.9); our own targets
// additionally get complete concurrency checking (warnings), see `strict` below.
import PackageDescription
import Foundation

let packageDir = Context.packageDirectory
let libDir = Context.environment["QORGAU_LIB_DIR"].flatMap { $0.isEmpty ? nil : $0 }
    ?? "\(packageDir)/../target/debug"

#if os(macOS)
// Apple builds use the XCFramework when it has been built (scripts/build-xcframework.sh), unless
// QORGAU_LIB_DIR is set (e.g. `swift test` on a Mac against a host build of libqorgau_ffi.dylib).
let useXCFramework = FileManager.default.fileExists(atPath: "\(packageDir)/QorgauFFIC.xcframework")
    && Context.environment["QORGAU_LIB_DIR"] == nil
#else
let useXCFramework = false
#endif

let ffiC: Target = useXCFramework
    ? .binaryTarget(name: "QorgauFFIC", path: "QorgauFFIC.xcframework")
    : .target(name: "QorgauFFIC", path: "Sources/QorgauFFIC")

let rustLink: [LinkerSetting] = useXCFramework
    ? [.linkedFramework("Security")] // the Rust static library's randomness on Apple platforms
    : [.unsafeFlags(["-L\(libDir)", "-lqorgau_ffi", "-Xlinker", "-rpath", "-Xlinker", libDir])]

let strict: [SwiftSetting] = [.enableExperimentalFeature("StrictConcurrency")]

let package = Package(
    name: "Qorgau",
    defaultLocalization: "en",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "Qorgau", targets: ["Qorgau"]),
        .library(name: "QorgauFFI", targets: ["QorgauFFI"]),
    ],
    targets: [
        ffiC,
        .target(
            name: "QorgauFFI",
            dependencies: ["QorgauFFIC"],
            path: "Sources/QorgauFFI",
            linkerSettings: rustLink
        ),
        .target(
            name: "Qorgau",
            dependencies: ["QorgauFFI"],
            path: "Sources/Qorgau",
            resources: [.process("Resources")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "QorgauTests",
            dependencies: ["Qorgau", "QorgauFFI"],
            path: "Tests/QorgauTests",
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
    ]
)
