import DroverImaging
import Foundation
import Testing

/// Outputs for the web: several widths of one output (`srcset`), names with the written size and a content hash,
/// and `manifest.json`, complete on every run, for a static-site generator.
@Suite struct WebOutputTests {
    static let recipe = """
        outputs:
          - name: web
            widths: [20, 40, 400]
            format: png
          - name: card
            steps: [{resize: {width: 30}}]
            format: jpeg
            file: "{name}-{width}x{height}.{hash}.{ext}"
        """

    static func manifest(_ url: URL) throws -> [String: [[String: Any]]] {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let inputs = root["inputs"] as! [String: [String: Any]]
        return inputs.mapValues { $0["outputs"] as! [[String: Any]] }
    }

    @Test func widthsNamesAndTheManifest() throws {
        let sandbox = try Sandbox()
        let photos = sandbox.root.appendingPathComponent("photos/2024")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        try Data(try JPEGWriter.encode(ImageCommandTests.gradient(width: 120, height: 60), options: EncodeOptions()))
            .write(to: photos.appendingPathComponent("a.jpg"))
        try Data(try JPEGWriter.encode(ImageCommandTests.gradient(width: 10, height: 10), options: EncodeOptions()))
            .write(to: photos.appendingPathComponent("tiny.jpg"))
        let recipe = try sandbox.write("recipe.yaml", Self.recipe)
        let run = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "site", "--quiet")
        #expect(run.status == 0, "\(run.stderr)")
        let site = sandbox.root.appendingPathComponent("site")
        let first = try Self.manifest(site.appendingPathComponent("manifest.json"))
        let outputs = try #require(first["2024/a.jpg"])
        // 400 is wider than the image, so it is not made; the smallest width always is.
        let paths = outputs.map { $0["path"] as! String }
        #expect(paths.prefix(2) == ["2024/a-web-20.png", "2024/a-web-40.png"])
        #expect(outputs.map { $0["width"] as! Int } == [20, 40, 30] && outputs.map { $0["height"] as! Int } == [10, 20, 15])
        let card = outputs[2]
        let hash = card["hash"] as! String
        #expect(hash.count == 64)
        #expect(paths[2] == "2024/a-30x15.\(hash.prefix(10)).jpg")
        for output in outputs {
            let bytes = try Data(contentsOf: site.appendingPathComponent(output["path"] as! String))
            #expect(bytes.count == output["bytes"] as! Int)
            let format = (output["path"] as! String).hasSuffix(".png") ? "png" : "jpeg"
            #expect(output["format"] as? String == format)
        }
        let tiny = try #require(first["2024/tiny.jpg"])
        #expect(tiny.map { $0["path"] as! String }.first == "2024/tiny-web-20.png", "the smallest width is made even from a smaller image")
        #expect(tiny.first?["width"] as? Int == 10)

        // Up to date: nothing is written again and the manifest is the same.
        let before = try Data(contentsOf: site.appendingPathComponent("manifest.json"))
        let again = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "site")
        #expect(again.status == 0 && again.stdout.contains("0 ok, 2 up to date"), "\(again.stdout)")
        #expect(try Data(contentsOf: site.appendingPathComponent("manifest.json")) == before)
        let lines = try ImageCommandTests.report(site.appendingPathComponent("report.jsonl"))
        #expect(lines.allSatisfy { $0["status"] as? String == "up-to-date" && ($0["outputs"] as! [Any]).count >= 1 })

        // A changed recipe is not up to date, and the manifest follows it.
        try waitUntilNewer(than: site.appendingPathComponent("manifest.json"))
        let changed = try sandbox.write("recipe.yaml", Self.recipe.replacingOccurrences(of: "[20, 40, 400]", with: "[25]"))
        let third = try sandbox.drover("image", "--recipe", changed, "--input", "photos", "--output", "site", "--quiet")
        #expect(third.status == 0)
        let now = try Self.manifest(site.appendingPathComponent("manifest.json"))
        #expect(now["2024/a.jpg"]?.first?["path"] as? String == "2024/a-web-25.png")
    }

    /// Waits until the clock is past `url`'s modification time, so that a file written next is newer.
    func waitUntilNewer(than url: URL) throws {
        let written = try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as! Date
        _ = try eventually(within: 5, "the clock to pass the manifest's time") { Date() > written.addingTimeInterval(0.01) }
    }
}

/// A worker's pixel memory stays within its budget on a huge image, or the file is refused as over it.
@Suite struct PixelBudgetTests {
    @Test func aBlurBeforeAResizeOnAHugeImageStaysWithinTheBudget() throws {
        let sandbox = try Sandbox()
        let big = sandbox.root.appendingPathComponent("photos/big.png").path
        try FileManager.default.createDirectory(atPath: (big as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // 8000 x 8000 RGBA: 256 MB of pixels in a file of a few hundred kB.
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", """
            import sys
            from PIL import Image, ImageDraw
            image = Image.new("RGBA", (8000, 8000), (200, 100, 50, 255))
            draw = ImageDraw.Draw(image)
            for i in range(0, 8000, 400): draw.rectangle([i, i, i + 150, i + 150], fill=(20, 200, 90, 128))
            image.save(sys.argv[1])
            """, big]
        try python.run()
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        let recipe = try sandbox.write("blur.yaml", """
            steps: [{blur: 2}]
            outputs: [{name: thumb, steps: [{resize: {width: 320}}], format: jpeg}]
            """)
        // A parent holding much more than the child must not be counted in the child's peak (getrusage's maxrss is kept
        // across exec): 300 MB held here while drover runs.
        var ballast = [UInt8](repeating: 1, count: 300 << 20)
        for index in stride(from: 0, to: ballast.count, by: 4096) { ballast[index] = UInt8(truncatingIfNeeded: index) }
        let run = try sandbox.drover("image", "--recipe", recipe, "--input", "photos", "--output", "out", "--max-memory", "128MiB", "--jobs", "1")
        withExtendedLifetime(ballast) {}
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let peak = run.stdout.split(separator: "peak memory ").last.flatMap { Double($0.split(separator: " ").first ?? "") } ?? 0
        #expect(peak > 0 && peak < 128 * 1.048576 + 80, "peak resident memory \(peak) MB for a 128 MiB pixel budget")

        // Without a resize nothing can shrink first: the file is refused, saying what it would need.
        let full = try sandbox.write("full.yaml", "steps: [{blur: 2}]\noutputs: [{name: same, format: png}]\n")
        let refused = try sandbox.drover("image", "--recipe", full, "--input", "photos", "--output", "out2", "--max-memory", "128MiB", "--quiet")
        #expect(refused.status == 1)
        let line = try ImageCommandTests.report(sandbox.root.appendingPathComponent("out2/report.jsonl")).first
        let error = line?["error"] as? String ?? ""
        #expect(error.contains("of pixel memory on a 8000 x 8000 image, over the budget of 128 MiB per worker"), "\(error)")
        let bad = try sandbox.drover("image", "--recipe", full, "--input", "photos", "--output", "out3", "--max-memory", "lots")
        #expect(bad.status != 0 && bad.stderr.contains("--max-memory must be a size"))
    }
}
