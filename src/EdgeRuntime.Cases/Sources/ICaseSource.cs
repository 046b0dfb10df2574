using EdgeRuntime.Slides.Reading;

namespace EdgeRuntime.Cases.Sources;

/// <summary>One place case identifiers are read from. A source never throws for what it reads: it notes the problem and gives what it can.</summary>
internal interface ICaseSource
{
    /// <summary>The source's configuration name (<see cref="CaseSources"/>).</summary>
    string Name { get; }

    /// <summary>The identifiers this source gives for the slide at <paramref name="path"/>, opened as <paramref name="slide"/>.</summary>
    IEnumerable<CaseIdentifier> Read(string path, ISlide slide, ICollection<string> problems);
}
