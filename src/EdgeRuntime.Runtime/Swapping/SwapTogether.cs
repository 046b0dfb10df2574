namespace EdgeRuntime.Runtime.Swapping;

/// <summary>
/// Two swappable parts as one state (the model and the tasks): a slide leases both at one instant and an activation
/// replaces both at one instant, so no slide ever starts on the new model with the old tasks, or the reverse (a text
/// task moved to a vision-only model with its prototype set, say, where half of the change is a combination that
/// was refused). Both locks are taken, always the first part's first; a single <see cref="Swappable{T}.Acquire"/> or
/// <see cref="Swappable{T}.Swap"/> takes one alone and waits on nothing while it holds it, so no order deadlocks.
/// </summary>
public static class SwapTogether
{
    /// <summary>Leases both active values together; dispose both when the slide ends.</summary>
    public static (Swappable<TFirst>.Lease First, Swappable<TSecond>.Lease Second) Acquire<TFirst, TSecond>(Swappable<TFirst> first, Swappable<TSecond> second)
        where TFirst : class, IDisposable
        where TSecond : class, IDisposable
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        lock (first.Gate)
        {
            lock (second.Gate)
            {
                return (first.AcquireHeld(), second.AcquireHeld());
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="nextFirst"/> and <paramref name="nextSecond"/> active at one instant (either may be null:
    /// that part stays); the values they replace are disposed once no slide uses them.
    /// </summary>
    public static void Swap<TFirst, TSecond>(Swappable<TFirst> first, TFirst? nextFirst, Swappable<TSecond> second, TSecond? nextSecond)
        where TFirst : class, IDisposable
        where TSecond : class, IDisposable
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        Swappable<TFirst>.Entry? oldFirst = null;
        Swappable<TSecond>.Entry? oldSecond = null;
        lock (first.Gate)
        {
            lock (second.Gate)
            {
                if (nextFirst is not null)
                {
                    oldFirst = first.ReplaceHeld(nextFirst);
                }

                if (nextSecond is not null)
                {
                    oldSecond = second.ReplaceHeld(nextSecond);
                }
            }
        }

        if (nextFirst is not null)
        {
            first.Completed(nextFirst, oldFirst);
        }

        if (nextSecond is not null)
        {
            second.Completed(nextSecond, oldSecond);
        }
    }
}
