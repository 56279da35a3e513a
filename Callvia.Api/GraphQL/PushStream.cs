namespace Callvia.Api.GraphQL;

/// <summary>
/// A subscription's event stream driven by one async loop: subscribing starts <c>run</c> with a token that the
/// subscription's disposal (the client's <c>complete</c>, or the socket closing) cancels, once.
/// </summary>
public static class PushStream
{
    public static IObservable<T> Create<T>(Func<IObserver<T>, CancellationToken, Task> run) => new Stream<T>(run);

    private sealed class Stream<T>(Func<IObserver<T>, CancellationToken, Task> run) : IObservable<T>
    {
        public IDisposable Subscribe(IObserver<T> observer)
        {
            var stop = new CancellationTokenSource();
            _ = run(observer, stop.Token);
            return new Unsubscriber(stop);
        }
    }

    private sealed class Unsubscriber(CancellationTokenSource stop) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) stop.Cancel();
        }
    }
}
