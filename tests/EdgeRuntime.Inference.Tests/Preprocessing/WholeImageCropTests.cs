using EdgeRuntime.Inference.Packages;
using EdgeRuntime.Inference.Preprocessing;
using Xunit;

namespace EdgeRuntime.Inference.Tests.Preprocessing;

// A plain image taken whole is cut by the model's geometry (Crop) and then given to the encoder, whose transform runs
// again on the cut: the two together must be the transform once, for every geometry the families use. Prov-GigaPath's
// (shortest side to 256, centre crop 224) is where a cut of the input size was resized a second time (256 → crop 224
// of an already-cropped 224 square: cosine 0.994 with PyTorch for its twin through edgert embed).
public sealed class WholeImageCropTests
{
    public static TheoryData<string, int, int?, bool, int, int> Geometries() => new()
    {
        { "shortest-side", 224, 256, true, 300, 200 },   // Prov-GigaPath
        { "shortest-side", 224, 256, true, 512, 512 },
        { "shortest-side", 224, 256, true, 224, 224 },   // a 224 tile
        { "shortest-side", 224, null, true, 300, 200 },  // CLIP, UNI, Virchow2
        { "shortest-side", 64, null, true, 137, 158 },
        { "exact", 224, null, true, 300, 200 },           // H-optimus
        { "shortest-side", 224, 256, false, 300, 200 },  // no centre crop: the top left corner
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Processing_the_cut_is_processing_the_image(string resize, int inputSize, int? resizeTo, bool centerCrop, int width, int height)
    {
        var preprocessor = new ClipImagePreprocessor(new PreprocessingSpec
        {
            InputSize = inputSize,
            Resize = resize,
            Interpolation = "bicubic",
            CenterCrop = centerCrop,
            ResizeTo = resizeTo,
            Mean = [0.485, 0.456, 0.406],
            Std = [0.229, 0.224, 0.225],
            ChannelOrder = "RGB",
        });
        var rgb = new byte[width * height * 3];
        new Random(width + height).NextBytes(rgb);

        var direct = new float[preprocessor.ValuesPerImage];
        preprocessor.Process(rgb, width, height, direct);
        var side = preprocessor.CropSize;
        var cut = new byte[side * side * 3];
        preprocessor.Crop(rgb, width, height, cut);
        var twice = new float[preprocessor.ValuesPerImage];
        preprocessor.Process(cut, side, side, twice);

        Assert.Equal(resizeTo ?? inputSize, side);
        Assert.Equal(direct, twice);
    }
}
