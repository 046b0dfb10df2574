using System.Text.Json;
using EdgeRuntime.TestSupport;
using Xunit;
using static EdgeRuntime.Service.Tests.SlideMessages;

namespace EdgeRuntime.Service.Tests;

// Processing:SlidesInFlight > 1: the next slide is read while the one before finishes, bounded, and every journal
// guarantee holds: each slide comes out once, and a crash with two in flight loses neither.
public sealed class SlidesInFlightTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(240);

    /// <summary>
    /// The most slides in processing at once, replayed from the state messages in the order the journal wrote them
    /// (the outbox delivers in sequence): processing opens a slide, done or failed closes it.
    /// </summary>
    private static int MostAtOnce(MqttProbe probe)
    {
        var open = new HashSet<string>();
        var most = 0;
        foreach (var message in probe.On("/state"))
        {
            var state = message.Payload.GetProperty("state").GetString();
            if (state == "processing")
            {
                open.Add(Id(message.Payload));
                most = Math.Max(most, open.Count);
            }
            else if (state is "done" or "failed")
            {
                open.Remove(Id(message.Payload));
            }
        }

        return most;
    }

    [Fact]
    public async Task Two_in_flight_overlap_never_exceed_two_and_killed_with_both_in_flight_each_comes_out_exactly_once()
    {
        using var broker = new Mosquitto();
        using var workspace = new ServiceWorkspace(broker.Port, embedded: false, slidesInFlight: 2);
        await using var probe = await MqttProbe.StartAsync(broker.Port);
        // Eight, so that slides are still waiting when the kill comes even if the probe's view lags the journal by a few
        // slides on a loaded machine: both slots are then taken, and both slides in flight are retried.
        const int Count = 8;
        var slides = Enumerable.Range(0, Count).Select(Slides.Large).ToList();
        try
        {
            using (var first = workspace.Start())
            {
                await probe.WaitForAsync(p => p.On("box1/status").Count > 0, Patience, "the node online\n" + first.Output);
                foreach (var slide in slides)
                {
                    workspace.Drop(slide.Path);
                }

                await probe.WaitForAsync(p => MostAtOnce(p) == 2 && ResultsPerSlide(p).Count >= 1, Patience, "two slides in processing at once, and a result\n" + first.Output);
                await probe.WaitForAsync(p => p.On("/state").Count(s => s.Payload.GetProperty("state").GetString() == "processing") > ResultsPerSlide(p).Count + 1, Patience, "two slides in flight again\n" + first.Output);
                first.KillHard(); // SIGKILL with two slides in flight
            }

            Assert.True(ResultsPerSlide(probe).Count < Count - 1, "all but one slide were done before the kill: the test proved little");
            using var second = workspace.Start();
            await probe.WaitForAsync(p => ResultsPerSlide(p).Count == Count, Patience, $"{Count} results after the restart\n" + second.Output);
            await Task.Delay(3000); // duplicates would arrive now
            Assert.All(ResultsPerSlide(probe), r => Assert.True(r.Value == 1, $"slide {r.Key} came out {r.Value} times"));
            Assert.Equal(Count, Directory.GetDirectories(workspace.Results).Count(d => !Path.GetFileName(d).StartsWith('.')));

            // Bounded: never a third, however many are waiting (eight were, at the start).
            Assert.Equal(2, MostAtOnce(probe));

            // Both slides killed in flight were taken again: the journal counts the retries.
            await probe.WaitForAsync(p => p.On("box1/metrics").Any(m => m.Payload.GetProperty("slidesDone").GetInt64() == Count && m.Payload.GetProperty("slidesRetried").GetInt64() >= 2), Patience, $"metrics with {Count} done and 2 retried\n" + second.Output);
            Assert.Equal(0, second.Stop(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            slides.ForEach(s => s.Dispose());
        }
    }
}
