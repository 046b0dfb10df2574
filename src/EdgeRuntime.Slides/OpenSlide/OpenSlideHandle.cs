using System.Runtime.InteropServices;

namespace EdgeRuntime.Slides.OpenSlide;

/// <summary>
/// Owns an <c>openslide_t*</c>. Being a <see cref="SafeHandle"/>, the handle is reference-counted across
/// concurrent native calls, so a slide closed on one thread never pulls memory from under a read on another.
/// </summary>
internal sealed class OpenSlideHandle : SafeHandle
{
    public OpenSlideHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        OpenSlideNative.Close(handle);
        return true;
    }
}
