using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace FabstirHost.Core.Network
{
    /// <summary>
    /// Probes a node URL the way a client would reach it: resolves the name, connects, completes TLS
    /// for https, and asks <c>/health</c> (then <c>/v1/version</c>) below the URL's path. Each phase
    /// is done separately so a failure can be named (no such name, refused, silent, bad certificate,
    /// HTTP error, not a node) instead of reported as "unreachable". Proxy settings are not used:
    /// the question is whether the URL itself answers.
    /// </summary>
    public static class EndpointProbe
    {
        /// <summary>Probes at most this many URLs at once unless told otherwise.</summary>
        public const int DefaultMaxParallel = 128;

        private const string ManyActivity = "Probing node URLs";

        public static Task<FabstirEndpointResult> ProbeAsync(
            Uri url,
            TimeSpan timeout,
            CancellationToken cancellationToken)
        {
            return ProbeAsync(url, timeout, NullOperationLog.Instance, cancellationToken);
        }

        /// <summary>
        /// Probes one URL within <paramref name="timeout"/> (name resolution, connection, TLS and the
        /// health request together). Never throws for a network failure: the result says what failed.
        /// Throws <see cref="OperationCanceledException"/> only when the caller cancels.
        /// </summary>
        public static async Task<FabstirEndpointResult> ProbeAsync(
            Uri url,
            TimeSpan timeout,
            IOperationLog log,
            CancellationToken cancellationToken)
        {
            var attempt = new ProbeAttempt(url, timeout, log);
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(timeout);
                try
                {
                    await attempt.RunAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (ProbeFailure failure)
                {
                    attempt.Fail(failure.Kind, failure.Message);
                }
                catch (Exception ex) when (IsTimeout(ex, deadline.Token, cancellationToken))
                {
                    attempt.Fail(EndpointFailureKind.TimedOut, attempt.TimeoutMessage());
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            return attempt.Result;
        }

        /// <summary>
        /// Probes many URLs concurrently, at most <paramref name="maxParallel"/> at a time, and returns
        /// the results in the order of <paramref name="urls"/>.
        /// </summary>
        public static async Task<IReadOnlyList<FabstirEndpointResult>> ProbeManyAsync(
            IReadOnlyList<Uri> urls,
            TimeSpan timeout,
            int maxParallel,
            IOperationLog log,
            CancellationToken cancellationToken)
        {
            if (maxParallel < 1)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(maxParallel), "At least one probe must run at a time.");
            }

            int finished = 0;
            using (var slots = new SemaphoreSlim(maxParallel))
            {
                async Task<FabstirEndpointResult> ProbeInSlotAsync(Uri url)
                {
                    await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        return await ProbeAsync(url, timeout, log, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        slots.Release();
                        int done = Interlocked.Increment(ref finished);
                        string status = $"{done} of {urls.Count} probed";
                        log.Progress(new OperationProgress(ManyActivity, status, done * 100 / urls.Count));
                    }
                }

                Task<FabstirEndpointResult>[] probes = urls.Select(ProbeInSlotAsync).ToArray();
                FabstirEndpointResult[] results = await Task.WhenAll(probes).ConfigureAwait(false);
                log.Progress(new OperationProgress(ManyActivity, "Done", 100, completed: true));
                return results;
            }
        }

        internal static bool IsCancellation(Exception ex)
        {
            // A socket disposed by the deadline surfaces as one of these rather than as a cancellation.
            return ex is OperationCanceledException || ex is ObjectDisposedException
                || (ex is SocketException socket && socket.SocketErrorCode == SocketError.OperationAborted)
                || (ex is IOException && ex.InnerException != null && IsCancellation(ex.InnerException));
        }

        private static bool IsTimeout(Exception ex, CancellationToken deadline, CancellationToken caller)
        {
            // Once the deadline fired, whatever the disposed socket threw is the timeout's doing.
            return !caller.IsCancellationRequested
                && (deadline.IsCancellationRequested || IsCancellation(ex));
        }
    }
}
