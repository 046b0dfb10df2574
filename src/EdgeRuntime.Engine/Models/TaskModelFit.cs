using EdgeRuntime.Abstractions.Tasks;

namespace EdgeRuntime.Engine.Models;

/// <summary>
/// The one check of tasks against the model they will run with, made wherever a model or tasks become active (service
/// start-up, a swap, a slide command's start), never mid-slide: a task that needs the text tower
/// (<see cref="ISlideTask.Needs"/>) is refused with the reason when the model is vision-only, unless what it needs is
/// class embeddings and a prototype set serves it.
/// </summary>
public static class TaskModelFit
{
    /// <summary>Why <paramref name="tasks"/> cannot run with <paramref name="model"/>, one line per task; empty when they can.</summary>
    public static IReadOnlyList<string> Problems(ModelRuntime model, IEnumerable<ISlideTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tasks);
        if (model.Package.HasTextTower)
        {
            return [];
        }

        var id = $"{model.Package.Identity.Id} {model.Package.Identity.Version}";
        var problems = new List<string>();
        foreach (var task in tasks)
        {
            var needs = task.Needs;
            if (needs.HasFlag(ModelNeeds.TextEncoder))
            {
                problems.Add($"task '{task.Name}' encodes text, and model {id} is vision-only (no text tower): activate a vision-language model, or stop the task.");
            }
            else if (needs.HasFlag(ModelNeeds.ClassTexts) && !model.TaskPrototypes.ContainsKey(task.Name))
            {
                problems.Add($"task '{task.Name}' scores against the prompt set's text embeddings, and model {id} is vision-only (no text tower): activate a vision-language model, or a prototype set for the task (plugins activate prototypes <id> <version> --task {task.Name}).");
            }
        }

        return problems;
    }

    /// <summary>Throws with every reason when <see cref="Problems"/> finds any.</summary>
    /// <exception cref="InvalidDataException">A task needs what the model does not have.</exception>
    public static void Check(ModelRuntime model, IEnumerable<ISlideTask> tasks)
    {
        var problems = Problems(model, tasks);
        if (problems.Count > 0)
        {
            throw new InvalidDataException(string.Join(" ", problems));
        }
    }
}
