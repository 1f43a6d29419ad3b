import Foundation
import Testing

@testable import DroverImaging

/// The pixel memory budget: decisions from tables, and the same image whether or not the budget made the decoder
/// shrink first.
@Suite struct MemoryPlanTests {
    static func header(_ width: Int, _ height: Int, channels: Int = 3, format: ImageFormat = .png) -> ImageHeader {
        ImageHeader(format: format, width: width, height: height, channels: channels, bitDepth: 8, orientation: .up,
                    colorModel: "rgb", progressive: false, interlaced: false)
    }

    static func recipe(_ shared: [Step], _ own: [Step], widths: [Int] = []) -> Recipe {
        var output = OutputSpec(name: "o", steps: own, format: .jpeg)
        output.widths = widths
        return Recipe(steps: shared, outputs: [output])
    }

    static let thumb = Step.resize(ResizeSpec(width: 320))

    @Test(arguments: [
        // (width, height, channels, shared steps, output steps, budget MiB) → (pre-shrink, filters scaled)
        (6000, 4000, 3, [Step.autoOrient], [thumb], 1024, 9, false),
        (6000, 4000, 3, [Step.blur(sigma: 2)], [thumb], 1024, 1, false),
        (14000, 14000, 4, [Step.blur(sigma: 2)], [thumb], 1024, 2, true),
        (14000, 14000, 4, [Step.blur(sigma: 2)], [thumb], 256, 4, true),
        (14000, 14000, 4, [Step.grayscale, Step.brightness(1.2)], [thumb], 64, 5, true),
        (14000, 14000, 4, [], [Step.sharpen(sigma: 1, amount: 1, threshold: 0), thumb], 300, 3, true),
    ] as [(Int, Int, Int, [Step], [Step], Int, Int, Bool)])
    func plans(width: Int, height: Int, channels: Int, shared: [Step], own: [Step], budget: Int, shrink: Int, scaled: Bool) throws {
        let plan = try MemoryPlan.make(recipe: Self.recipe(shared, own), header: Self.header(width, height, channels: channels), budget: budget << 20)
        #expect(plan.preShrink == shrink && plan.scalesFilters == scaled, "\(plan)")
        #expect(plan.peakBytes <= budget << 20)
    }

    @Test func overTheBudgetIsRefusedWithWhatItNeeds() {
        // A full-size blur cannot shrink first.
        #expect {
            try MemoryPlan.make(recipe: Self.recipe([.blur(sigma: 2)], []), header: Self.header(14000, 14000, channels: 4), budget: 1 << 30)
        } throws: { error in
            let text = (error as? ImageError)?.description ?? ""
            return text.hasPrefix("refused: this recipe needs about 2.9 GiB of pixel memory on a 14000 x 14000 image, over the budget of 1.0 GiB per worker")
        }
    }

    @Test func blurredSigmaIsScaledToTheShrink() {
        #expect(MemoryPlan.scaled([.blur(sigma: 4), .resize(ResizeSpec(width: 10)), .blur(sigma: 4)], by: 2)
            == [.blur(sigma: (16 - 0.25).squareRoot() / 2), .resize(ResizeSpec(width: 10)), .blur(sigma: 4)])
        #expect(MemoryPlan.scaled([.blur(sigma: 0.5)], by: 4).isEmpty, "a blur smaller than the shrink's own is absorbed")
    }

    /// A blur before a resize gives the same thumbnail whether it ran on the full image or, to fit a small budget,
    /// on an image the decoder shrank first.
    @Test(arguments: [2.0, 6.0])
    func shrinkingFirstGivesTheSameThumbnail(sigma: Double) throws {
        let folder = ImageMaker.Folder()
        let source = ImageMaker.pattern(width: 2400, height: 1600)
        let input = try folder.write("in.png", try PNGWriter.encode(source, options: { var o = EncodeOptions(); o.pngEffort = .fast; return o }()))
        var output = OutputSpec(name: "t", steps: [.resize(ResizeSpec(width: 200))], format: .png)
        output.file = try FileTemplate("{name}-{output}.{ext}")
        var thumbnails: [Raster] = []
        for budget in [1 << 30, 8 << 20] {
            var recipe = Recipe(steps: [.blur(sigma: sigma)], outputs: [output])
            recipe.limits.maxPixelMemory = budget
            let result = ImageProcessor(recipe: recipe).process(inputPath: input, relative: "in-\(budget).png", outputRoot: folder.path)
            #expect(result.error == nil)
            let path = folder.path + "/" + (result.outputs.first?.path ?? "")
            thumbnails.append(try ImageMaker.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path)))).1)
        }
        let psnr = ImageMaker.psnr(thumbnails[0], thumbnails[1])
        #expect(psnr >= 38, "PSNR \(psnr) dB between the full-size blur and the shrunk-first blur")
        print("blur \(sigma) then resize, shrunk first vs full size: \(String(format: "%.1f", psnr)) dB")
    }
}
