// swift-tools-version: 6.1
import PackageDescription

/// Settings shared by every Drover target: Swift 6 language mode with strict concurrency.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "drover",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "drover", targets: ["drover"]),
        .library(name: "DroverCore", targets: ["DroverCore"]),
        .library(name: "DroverStore", targets: ["DroverStore"]),
        .library(name: "DroverEngine", targets: ["DroverEngine"]),
        .library(name: "DroverImaging", targets: ["DroverImaging"]),
        .library(name: "DroverAPI", targets: ["DroverAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .target(
            name: "DroverCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DroverStore",
            dependencies: ["DroverCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(name: "CDroverSpawn"),
        .target(
            name: "DroverEngine",
            dependencies: ["DroverCore", "DroverStore", "CDroverSpawn", .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "CoreMetrics", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .target(name: "CDroverImaging", dependencies: ["CJPEG", "CPNG"]),
        .systemLibrary(name: "CLCMS2", pkgConfig: "lcms2", providers: [.apt(["liblcms2-dev"])]),
        .target(name: "CDroverColor", dependencies: ["CLCMS2"]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebpmux", providers: [.apt(["libwebp-dev"])]),
        // No pkgConfig: libavif.pc's cflags carry -DAVIF_DLL, a flag SwiftPM refuses (with a warning); the header
        // and library are in the default paths, and CDroverAVIF links the library itself.
        .systemLibrary(name: "CAVIF", providers: [.apt(["libavif-dev"])]),
        .systemLibrary(name: "CHEIF", pkgConfig: "libheif", providers: [.apt(["libheif-dev"])]),
        // libwebpmux.pc names libwebpmux and libwebp; the demuxer is a third library.
        .target(name: "CDroverWebP", dependencies: ["CDroverImaging", "CWebP"], linkerSettings: [.linkedLibrary("webpdemux")]),
        .target(name: "CDroverAVIF", dependencies: ["CDroverImaging", "CAVIF"], linkerSettings: [.linkedLibrary("avif")]),
        .target(name: "CDroverHEIF", dependencies: ["CDroverImaging", "CHEIF"]),
        .target(
            name: "DroverImaging",
            dependencies: [
                "DroverCore", "CDroverImaging", "CDroverColor", "CDroverWebP", "CDroverAVIF", "CDroverHEIF",
                .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DroverAPI",
            dependencies: [
                "DroverCore", "DroverStore", "DroverEngine", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "drover",
            dependencies: [
                "DroverCore", "DroverStore", "DroverEngine", "DroverImaging", "DroverAPI", "CDroverSpawn",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "ModelValidatorSupport", path: "Tests/ModelValidatorSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "DroverAPITests",
            dependencies: [
                "DroverAPI", "DroverCore", "DroverStore", "ModelValidatorSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DroverCoreTests",
            dependencies: ["DroverCore"],
            swiftSettings: swiftSettings
        ),
        .target(name: "ColorTestSupport", dependencies: ["CLCMS2"], path: "Tests/ColorTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "DroverImagingTests",
            dependencies: ["DroverImaging", "CDroverImaging", "CDroverColor", "ColorTestSupport", "DroverCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DroverTests",
            dependencies: ["DroverCore", "DroverStore", "DroverEngine", "DroverImaging", "ColorTestSupport", "ModelValidatorSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
    ]
)
