using System.Globalization;
using EdgeRuntime.TestSupport;

namespace EdgeRuntime.Slides.Tests;

/// <summary>Golden pixels from Pillow (Debian python3-pil), the reference CLIP preprocessing was built on.</summary>
internal static class PillowReference
{
    public static byte[] DecodeRgb(string path)
    {
        using var dir = new TempDirectory();
        var output = dir.File("pixels.raw");
        ExternalTool.Python("import sys; from PIL import Image; open(sys.argv[2],'wb').write(Image.open(sys.argv[1]).convert('RGB').tobytes())", path, output);
        return File.ReadAllBytes(output);
    }

    public static byte[] Resize(string path, int width, int height, string filter)
    {
        using var dir = new TempDirectory();
        var output = dir.File("pixels.raw");
        ExternalTool.Python(
            "import sys; from PIL import Image; im=Image.open(sys.argv[1]).convert('RGB');"
            + " f={'bicubic':Image.BICUBIC,'bilinear':Image.BILINEAR}[sys.argv[4]];"
            + " open(sys.argv[5],'wb').write(im.resize((int(sys.argv[2]),int(sys.argv[3])), f).tobytes())",
            path, width.ToString(CultureInfo.InvariantCulture), height.ToString(CultureInfo.InvariantCulture), filter, output);
        return File.ReadAllBytes(output);
    }
}
