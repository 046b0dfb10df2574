using EdgeRuntime.Inference.Prompts;
using EdgeRuntime.TaskKit.ZeroShot;
using Xunit;

namespace EdgeRuntime.Inference.Tests.ZeroShot;

// Every expected number here is worked out by hand in the comments.
public sealed class ZeroShotTests
{
    [Fact]
    public void Class_embedding_is_the_normalised_mean_of_normalised_prompt_embeddings()
    {
        // Class 0 has prompts (3, 4) and (0, 2): normalised (0.6, 0.8) and (0, 1); mean (0.3, 0.9);
        // normalised (0.3, 0.9)/√0.9 = (0.316228, 0.948683). Class 1 has the single prompt (−5, 0) → (−1, 0).
        float[] prompts = [3, 4, 0, 2, -5, 0];
        var classes = PromptEnsemble.ClassEmbeddings(prompts, [0, 0, 1], classes: 2, dimension: 2);
        Assert.Equal(0.316228, classes[0], 5);
        Assert.Equal(0.948683, classes[1], 5);
        Assert.Equal(-1, classes[2], 6);
        Assert.Equal(0, classes[3], 6);
    }

    [Fact]
    public void Expansion_puts_every_synonym_in_every_template_class_by_class()
    {
        var set = new PromptSet
        {
            SchemaVersion = 1,
            Id = "t",
            Name = "t",
            Version = "1",
            Families = ["clip"],
            Templates = ["{}.", "an H&E image of {}."],
            Classes = [new PromptClass { Name = "fat", Synonyms = ["fat", "adipose"] }, new PromptClass { Name = "tumour", Synonyms = ["tumour"] }],
        };
        var (prompts, owner) = PromptEnsemble.Expand(set);
        Assert.Equal(["fat.", "an H&E image of fat.", "adipose.", "an H&E image of adipose.", "tumour.", "an H&E image of tumour."], prompts);
        Assert.Equal([0, 0, 0, 0, 1, 1], owner);
    }

    [Fact]
    public void Logits_are_scale_times_cosine_and_softmax_gives_probabilities()
    {
        // Classes (1, 0) and (0, 1); image (3, 4): cosines 0.6 and 0.8; logit scale 10 → logits 6 and 8;
        // softmax: e^6/(e^6+e^8) = 1/(1+e^2) = 0.119203, and 0.880797.
        var classifier = new ZeroShotClassifier(new float[] { 1, 0, 0, 1 }, classes: 2, logitScale: 10);
        var logits = new double[2];
        classifier.Logits([3, 4], logits);
        Assert.Equal(6, logits[0], 9);
        Assert.Equal(8, logits[1], 9);
        ZeroShotClassifier.Softmax(logits);
        Assert.Equal(0.119203, logits[0], 6);
        Assert.Equal(0.880797, logits[1], 6);
        Assert.Equal(1, ZeroShotClassifier.ArgMax(logits));
    }

    [Fact]
    public void Mi_zero_pools_each_class_top_k_tile_scores()
    {
        // Tile logits (class A, class B):
        //   t1 (9, 1)  t2 (8, 2)  t3 (1, 7)  t4 (2, 6)  t5 (3, 5)
        // Top-2 means: A (9+8)/2 = 8.5, B (7+6)/2 = 6.5. Top classes: A, A, B, B, B → fractions 0.4, 0.6.
        // Slide probabilities: softmax(8.5, 6.5) = 1/(1+e^−2) = 0.880797, 0.119203: the slide is A although
        // most tiles are B — what MI-Zero's top-K pooling is for (a few strongly positive tiles decide).
        var aggregator = new SlideTagAggregator(classes: 2, k: 2);
        foreach (var (a, b) in new[] { (9.0, 1.0), (8.0, 2.0), (1.0, 7.0), (2.0, 6.0), (3.0, 5.0) })
        {
            aggregator.Add([a, b]);
        }

        Assert.Equal([8.5, 6.5], aggregator.PooledLogits());
        Assert.Equal([0.4, 0.6], aggregator.ClassFractions());
        var p = aggregator.SlideProbabilities();
        Assert.Equal(0.880797, p[0], 6);
        Assert.Equal(0.119203, p[1], 6);
    }

    [Fact]
    public void Mi_zero_with_k_larger_than_the_tile_count_averages_all_tiles()
    {
        var aggregator = new SlideTagAggregator(classes: 2, k: 10);
        aggregator.Add([1.0, 4.0]);
        aggregator.Add([3.0, 0.0]);
        Assert.Equal([2.0, 2.0], aggregator.PooledLogits());
    }
}
