/// An image between steps: the raster (possibly shrunk on load) and the size it stands for, so that a resize
/// computes the same output size whether or not the decoder pre-shrank it.
struct WorkingImage {
    var raster: Raster
    /// Size of the full-resolution image this raster stands for.
    var logicalWidth: Int
    var logicalHeight: Int
    /// EXIF orientation still to be applied (`.up` once the pixels are upright).
    var orientation: Orientation

    mutating func apply(_ step: Step) {
        switch step {
        case .autoOrient:
            transform(orientation.uprightTransform)
            orientation = .up
        case .rotate(let degrees):
            transform(degrees == 90 ? .rotate90 : degrees == 180 ? .rotate180 : .rotate270)
        case .flip: transform(.flip)
        case .flop: transform(.flop)
        case .resize(let spec):
            let plan = spec.plan(width: logicalWidth, height: logicalHeight)
            let factor = min(Double(raster.width) / Double(plan.scaled.0), Double(raster.height) / Double(plan.scaled.1))
            if factor >= 4 { raster = BoxShrinker.shrink(raster, by: Int(factor / 2)) }
            raster = raster.resized(width: plan.scaled.0, height: plan.scaled.1)
            if plan.final != plan.scaled {
                raster = raster.cropped(
                    x: (plan.scaled.0 - plan.final.0) / 2, y: (plan.scaled.1 - plan.final.1) / 2,
                    width: plan.final.0, height: plan.final.1)
            }
            (logicalWidth, logicalHeight) = (raster.width, raster.height)
        case .grayscale: raster = raster.grayscale()
        case .blur(let sigma): raster = raster.blurred(sigma: sigma)
        case .sharpen(let sigma, let amount, let threshold): raster = raster.sharpened(sigma: sigma, amount: amount, threshold: threshold)
        case .brightness(let factor): raster = raster.brightness(factor)
        case .contrast(let factor): raster = raster.contrast(factor)
        case .saturation(let factor): raster = raster.saturation(factor)
        }
    }

    private mutating func transform(_ transform: Transform) {
        raster = raster.transformed(transform)
        if transform.swapsAxes { (logicalWidth, logicalHeight) = (logicalHeight, logicalWidth) }
    }

    /// Whether `step` swaps width and height for an image with EXIF `orientation`.
    static func swapsAxes(_ step: Step, orientation: Orientation) -> Bool {
        switch step {
        case .autoOrient: orientation.swapsAxes
        case .rotate(let degrees): degrees != 180
        default: false
        }
    }
}
