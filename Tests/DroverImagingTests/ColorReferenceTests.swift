import CDroverImaging
import Foundation
import Testing
@testable import DroverImaging

/// Embedded profiles converted to sRGB, compared with Pillow's ImageCms (LittleCMS, relative colorimetric) followed by
/// Pillow's Lanczos resize on the full-size image. Inputs are made here: a 1280 × 800 image with saturated colors and a
/// photograph, tagged Display P3, Adobe RGB (1998) and ProPhoto RGB (profiles built with LittleCMS from the published
/// primaries), Ghostscript's Adobe RGB-compatible profile and its SWOP CMYK profile (Debian libgs-common), as JPEG and
/// PNG; the thumbnail pipeline (shrink on load, convert, Lanczos3 to 320 px) writes lossless PNGs.
///
/// Floor: mean CIEDE2000 ≤ 1.0 for every case (measured 0.18–0.21, max 2.1–3.1 on single pixels at hard edges, where
/// shrinking on load and Pillow's full-size resize differ); the same pixels without a profile (what Drover did before)
/// are far off: mean 2.4 (P3), 2.8 (Adobe RGB), 7.4 (ProPhoto), 9.6 (CMYK as ink × black).
struct ColorReferenceTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var format: ImageFormat
        var description: String { "\(name) \(format.rawValue)" }
    }

    static func profile(_ name: String) throws -> [UInt8] {
        switch name {
        case "Display P3": ColorMaker.displayP3
        case "Adobe RGB": ColorMaker.adobeRGB
        case "ProPhoto": ColorMaker.proPhoto
        default: try ColorMaker.debianProfile("a98.icc")
        }
    }

    static let cases: [Case] = ["Display P3", "Adobe RGB", "ProPhoto", "Ghostscript a98"].flatMap { name in
        [Case(name: name, format: .jpeg), Case(name: name, format: .png)]
    }

    /// The thumbnail recipe's output (a 320 px lossless PNG) for `input`.
    static func thumbnail(_ input: [UInt8], in folder: ImageMaker.Folder, name: String) throws -> Raster {
        let path = try folder.write(name, input)
        var output = OutputSpec(name: "thumb", steps: [.resize(ResizeSpec(width: 320, height: 320))], format: .png)
        output.file = try FileTemplate("{name}-thumb.png")
        let result = ImageProcessor(recipe: Recipe(outputs: [output])).process(inputPath: path, relative: name, outputRoot: folder.path)
        guard result.error == nil, let written = result.outputs.first else { throw ReferenceTests.TestFailure("\(name): \(result.error ?? "no output")") }
        return try ImageReader(bytes: FileBytes(path: folder.path + "/" + written.path)).decode()
    }

    /// CIEDE2000 against Pillow of the thumbnails of `input` and of `baseline` (the same pixels without a profile).
    static func compare(_ input: [UInt8], baseline: [UInt8], in folder: ImageMaker.Folder, name: String)
        throws -> (ours: (mean: Double, max: Double), dropped: (mean: Double, max: Double))
    {
        let ours = try thumbnail(input, in: folder, name: name)
        let dropped = try thumbnail(baseline, in: folder, name: "untagged-" + name)
        let reference = try pillow(folder.path + "/" + name, width: ours.width, height: ours.height, folder: folder)
        return (ColorMaker.deltaE(ours, reference), ColorMaker.deltaE(dropped, reference))
    }

    /// Pillow's full decode, conversion to sRGB and Lanczos resize of the file at `path`.
    static func pillow(_ path: String, width: Int, height: Int, folder: ImageMaker.Folder) throws -> Raster {
        let output = folder.path + "/pillow-\(UUID().uuidString).png"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", ReferenceTests.root.appendingPathComponent("scripts/pillow-reference.py").path, "--srgb", path, output, "\(width)",
            "\(height)",
        ]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ReferenceTests.TestFailure("Pillow failed (scripts/test installs it): \(message)") }
        return try ImageReader(bytes: FileBytes(path: output)).decode()
    }

    @Test(arguments: cases)
    func wideGamutMatchesPillow(_ testCase: Case) throws {
        let folder = ImageMaker.Folder()
        let image = try ColorMaker.saturated(width: 1280, height: 800)
        let input = try ColorMaker.tagged(image, icc: try Self.profile(testCase.name), format: testCase.format)
        let untagged = try ColorMaker.tagged(image, icc: nil, format: testCase.format)
        let (ours, dropped) = try Self.compare(input, baseline: untagged, in: folder, name: "in.\(testCase.format.rawValue)")
        print(String(format: "ΔE00 vs Pillow, %@: mean %.3f, max %.2f; profile dropped: mean %.2f, max %.1f",
                     testCase.description, ours.mean, ours.max, dropped.mean, dropped.max))
        #expect(ours.mean <= 1.0, "\(testCase): mean ΔE00 \(ours.mean)")
        #expect(dropped.mean > ours.mean * 3, "\(testCase): dropping the profile should be visibly worse")
    }

    /// Converting after the box pre-shrink (what the pipeline does: 16× fewer pixels at 4×) against converting the
    /// full image first: the conversion is not linear, so block averages differ slightly, but not visibly.
    @Test func convertingAfterThePreShrinkIsNotVisible() throws {
        let image = try ColorMaker.saturated(width: 2560, height: 1600)
        let header = try ImageReader(bytes: FileBytes(try ColorMaker.tagged(image, icc: ColorMaker.displayP3, format: .png))).header
        for (name, icc) in [("Display P3", ColorMaker.displayP3), ("ProPhoto", ColorMaker.proPhoto)] {
            let colour = ColorManagement(icc: icc, header: header)
            let first = BoxShrinker.shrink(colour.converted(image), by: 4).resized(width: 320, height: 200)
            let after = colour.converted(BoxShrinker.shrink(image, by: 4)).resized(width: 320, height: 200)
            let difference = ColorMaker.deltaE(after, first)
            print(String(format: "convert after the 4x pre-shrink vs before, %@: mean ΔE00 %.4f, max %.3f", name, difference.mean, difference.max))
            #expect(difference.mean < 0.25, "\(name)")
        }
    }

    @Test(arguments: [Int32(4), 5])
    func cmykJPEGWithProfileMatchesPillow(colorSpace: Int32) throws {
        let folder = ImageMaker.Folder()
        let image = try ColorMaker.saturated(width: 1280, height: 800)
        let profile = try ColorMaker.debianProfile("default_cmyk.icc")
        let input = try ColorMaker.cmykJPEG(image, icc: profile, colorSpace: colorSpace)
        let baseline = try ColorMaker.cmykJPEG(image, icc: nil, colorSpace: colorSpace)
        let (ours, dropped) = try Self.compare(input, baseline: baseline, in: folder, name: "cmyk.jpg")
        print(String(format: "ΔE00 vs Pillow, SWOP %@ jpeg: mean %.3f, max %.2f; naive ink × black: mean %.2f, max %.1f",
                     colorSpace == 4 ? "CMYK" : "YCCK", ours.mean, ours.max, dropped.mean, dropped.max))
        #expect(ours.mean <= 1.0, "CMYK: mean ΔE00 \(ours.mean)")
        #expect(dropped.mean > ours.mean * 3)
    }
}
