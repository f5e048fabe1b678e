using Numerics.Distributed;

namespace Numerics.Core.Tests.Distributed;

/// <summary>
/// <see cref="ThreadCommunicator.Run{T}"/> for tests that want each rank's value, or every rank's
/// exception at once.
/// </summary>
internal static class ThreadGroupCommunicator
{
    /// <summary>Runs <paramref name="body"/> as <paramref name="size"/> thread ranks; returns each rank's result, or throws every rank's exception in one <see cref="AggregateException"/>.</summary>
    public static T[] Run<T>(int size, Func<ICommunicator, T> body)
    {
        var outcomes = ThreadCommunicator.Run(size, body);
        var failed = outcomes.Where(o => o.Error is not null).Select(o => o.Error!).ToArray();
        if (failed.Length > 0) throw new AggregateException(failed);
        return outcomes.Select(o => o.Value!).ToArray();
    }
}
