using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

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

        public static Task<FabstirEndpointResult> ProbeAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
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
                throw new ArgumentOutOfRangeException(nameof(maxParallel), "At least one probe must be allowed to run.");
            }

            int finished = 0;
            using (var slots = new SemaphoreSlim(maxParallel))
            {
                Task<FabstirEndpointResult>[] probes = urls.Select(async url =>
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
                        log.Progress(new OperationProgress(
                            "Probing node URLs", $"{done} of {urls.Count} probed", done * 100 / urls.Count));
                    }
                }).ToArray();

                FabstirEndpointResult[] results = await Task.WhenAll(probes).ConfigureAwait(false);
                log.Progress(new OperationProgress("Probing node URLs", "Done", 100, completed: true));
                return results;
            }
        }

        private static bool IsTimeout(Exception ex, CancellationToken deadline, CancellationToken caller)
        {
            // Once the deadline fired, whatever the disposed socket threw is the timeout's doing.
            return !caller.IsCancellationRequested && (deadline.IsCancellationRequested || IsCancellation(ex));
        }

        internal static bool IsCancellation(Exception ex)
        {
            // A socket disposed by the deadline surfaces as one of these rather than as a cancellation.
            return ex is OperationCanceledException || ex is ObjectDisposedException
                || (ex is SocketException socket && socket.SocketErrorCode == SocketError.OperationAborted)
                || (ex is IOException && ex.InnerException != null && IsCancellation(ex.InnerException));
        }

        /// <summary>A failure whose kind and message are already known.</summary>
        private sealed class ProbeFailure : Exception
        {
            public ProbeFailure(EndpointFailureKind kind, string message)
                : base(message)
            {
                Kind = kind;
            }

            public EndpointFailureKind Kind { get; }
        }

        /// <summary>The state of one probe, so a timeout can say which phase it interrupted.</summary>
        private sealed class ProbeAttempt
        {
            private readonly TimeSpan _timeout;
            private readonly IOperationLog _log;
            private string _phase = "resolving";
            private IPEndPoint? _endpoint;

            public ProbeAttempt(Uri url, TimeSpan timeout, IOperationLog log)
            {
                Result = new FabstirEndpointResult(url);
                _timeout = timeout;
                _log = log;
            }

            public FabstirEndpointResult Result { get; }

            private Uri Url => Result.Url;

            public async Task RunAsync(CancellationToken token)
            {
                Result.Addresses = await ResolveAsync(token).ConfigureAwait(false);
                NoteLocalOnlyAddresses();

                var clock = Stopwatch.StartNew();
                HttpAnswer health = await GetAsync(Result.HealthUrl, token).ConfigureAwait(false);
                Result.Latency = clock.Elapsed;
                Result.StatusCode = health.StatusCode;
                _log.Verbose($"GET {Result.HealthUrl} answered {health.StatusCode} in {clock.ElapsedMilliseconds} ms.");
                ReadHealth(health);

                if (Result.Failure == EndpointFailureKind.None || Result.Failure == EndpointFailureKind.TlsFailure)
                {
                    await ReadVersionAsync(token).ConfigureAwait(false);
                }
            }

            public void Fail(EndpointFailureKind kind, string message)
            {
                Result.Reachable = false;
                Result.Failure = kind;
                Result.FailureMessage = message;
            }

            public string TimeoutMessage()
            {
                string limit = $"{_timeout.TotalSeconds:0.###} s";
                switch (_phase)
                {
                    case "resolving":
                        return $"the name '{Url.Host}' did not resolve within {limit}";
                    case "connecting":
                        return $"no answer to the connection attempt to {Describe(_endpoint)} within {limit}: " +
                            "a firewall dropping packets, a NAT without port forwarding, or a host that is down";
                    case "tls":
                        return $"connected to {Describe(_endpoint)} but the TLS handshake did not finish within " +
                            $"{limit}: the port may serve plain HTTP or another protocol";
                    default:
                        return $"connected to {Describe(_endpoint)} but no HTTP answer came within {limit}: " +
                            "something accepts connections there without answering (a hung node or another service)";
                }
            }

            private async Task<IReadOnlyList<IPAddress>> ResolveAsync(CancellationToken token)
            {
                string host = Url.Host.Trim('[', ']');
                if (IPAddress.TryParse(host, out IPAddress? literal))
                {
                    return new[] { literal };
                }

                if (UrlRules.IsReservedInvalidName(host))
                {
                    throw new ProbeFailure(
                        EndpointFailureKind.NameNotResolved,
                        $"the name '{host}' does not resolve: names under .invalid never do (RFC 6761)");
                }

                _log.Verbose($"Resolving '{host}'.");
                IPAddress[] addresses;
                try
                {
                    Task<IPAddress[]> lookup = Dns.GetHostAddressesAsync(host);
                    await Task.WhenAny(lookup, Task.Delay(Timeout.Infinite, token)).ConfigureAwait(false);
                    token.ThrowIfCancellationRequested();
                    addresses = await lookup.ConfigureAwait(false);
                }
                catch (SocketException ex)
                {
                    throw new ProbeFailure(
                        EndpointFailureKind.NameNotResolved,
                        $"the name '{host}' does not resolve ({ex.Message}): check its DNS record");
                }

                if (addresses.Length == 0)
                {
                    throw new ProbeFailure(
                        EndpointFailureKind.NameNotResolved,
                        $"the name '{host}' has no address records: add an A (or AAAA) record");
                }

                _log.Verbose($"'{host}' resolved to {string.Join(", ", UrlRules.Describe(addresses))}.");
                return addresses;
            }

            private void NoteLocalOnlyAddresses()
            {
                if (Result.LocalOnlyReason != null)
                {
                    return;
                }

                var reasons = Result.Addresses.Select(UrlRules.LocalOnlyReason).ToList();
                if (reasons.Count > 0 && reasons.All(reason => reason != null))
                {
                    Result.LocalOnlyReason = $"'{Url.Host}' resolves only to local addresses ({reasons[0]})";
                }
            }

            private async Task<HttpAnswer> GetAsync(Uri url, CancellationToken token)
            {
                Socket socket = await ConnectAsync(token).ConfigureAwait(false);
                using (token.Register(() => socket.Dispose()))
                using (Stream stream = await SecureAsync(socket, token).ConfigureAwait(false))
                {
                    _phase = "http";
                    try
                    {
                        return await MinimalHttp.GetAsync(stream, url, token).ConfigureAwait(false);
                    }
                    catch (NotHttpException ex)
                    {
                        string hint = Url.Scheme == Uri.UriSchemeHttp ? " (if it serves https, use an https:// URL)" : string.Empty;
                        throw new ProbeFailure(
                            EndpointFailureKind.NotFabstirNode,
                            $"{Describe(_endpoint)} is not a Fabstir node: {ex.Message}{hint}");
                    }
                    catch (IOException ex) when (!token.IsCancellationRequested)
                    {
                        throw new ProbeFailure(
                            EndpointFailureKind.NetworkError,
                            $"the connection to {Describe(_endpoint)} broke while waiting for the answer: " +
                            Innermost(ex).Message);
                    }
                }
            }

            private async Task<Socket> ConnectAsync(CancellationToken token)
            {
                _phase = "connecting";
                int port = UrlRules.EffectivePort(Url);
                SocketException? refused = null;
                SocketException? other = null;
                foreach (IPAddress address in Result.Addresses)
                {
                    _endpoint = new IPEndPoint(address, port);
                    var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        using (token.Register(() => socket.Dispose()))
                        {
                            await socket.ConnectAsync(address, port).ConfigureAwait(false);
                        }

                        Result.ConnectedAddress = address;
                        return socket;
                    }
                    catch (SocketException ex) when (!token.IsCancellationRequested)
                    {
                        socket.Dispose();
                        _log.Verbose($"Connecting to {Describe(_endpoint)} failed: {ex.SocketErrorCode}.");
                        if (ex.SocketErrorCode == SocketError.ConnectionRefused)
                        {
                            refused = ex;
                        }
                        else
                        {
                            other = ex;
                        }
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                }

                if (refused != null)
                {
                    throw new ProbeFailure(
                        EndpointFailureKind.ConnectionRefused,
                        $"{Url.Host}:{port} refused the connection: nothing listens on port {port} there, " +
                        "or a firewall rejects it");
                }

                throw new ProbeFailure(
                    EndpointFailureKind.NetworkError,
                    $"could not connect to {Url.Host}:{port}: {other?.Message ?? "no address to connect to"}");
            }

            private async Task<Stream> SecureAsync(Socket socket, CancellationToken token)
            {
                var network = new NetworkStream(socket, ownsSocket: true);
                if (Url.Scheme != Uri.UriSchemeHttps)
                {
                    return network;
                }

                _phase = "tls";
                var tls = new SslStream(network, leaveInnerStreamOpen: false, RememberCertificate);
                try
                {
                    await tls.AuthenticateAsClientAsync(Url.IdnHost).ConfigureAwait(false);
                    return tls;
                }
                catch (Exception ex) when ((ex is AuthenticationException || ex is IOException) && !token.IsCancellationRequested)
                {
                    tls.Dispose();
                    throw new ProbeFailure(
                        EndpointFailureKind.TlsFailure,
                        $"the TLS handshake with {Describe(_endpoint)} failed ({Innermost(ex).Message}): " +
                        "the port may serve plain HTTP (try http://) or its TLS set-up is broken");
                }
            }

            private bool RememberCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
            {
                // Accept everything here and judge afterwards: a bad certificate is reported with its
                // details, and the health answer behind it still says whether a node is there.
                Result.Certificate = CertificateJudge.Describe(certificate, chain, errors, Url.IdnHost);
                return true;
            }

            private void ReadHealth(HttpAnswer health)
            {
                if (health.StatusCode != 200)
                {
                    FailForStatus(health);
                    return;
                }

                JObject? body = ParseObject(health.Body);
                if (body == null || body["status"]?.Type != JTokenType.String)
                {
                    throw new ProbeFailure(
                        EndpointFailureKind.NotFabstirNode,
                        $"{Result.HealthUrl} answers 200 but not with a node's health report " +
                        "(another service, or a proxy's own page)");
                }

                Result.HealthStatus = (string?)body["status"];
                Result.HealthIssues = (body["issues"] as JArray)?.Select(issue => issue.ToString()).ToArray()
                    ?? Array.Empty<string>();
                EndpointCertificate? certificate = Result.Certificate;
                if (certificate != null && !certificate.IsValid)
                {
                    Fail(EndpointFailureKind.TlsFailure,
                        $"a node answers, but clients will refuse its certificate: {certificate.Problem}");
                    return;
                }

                Result.Reachable = true;
            }

            private void FailForStatus(HttpAnswer health)
            {
                string status = $"{health.StatusCode} {health.Reason}".Trim();
                if (health.StatusCode >= 300 && health.StatusCode < 400)
                {
                    health.Headers.TryGetValue("Location", out string? location);
                    throw new ProbeFailure(
                        EndpointFailureKind.HttpError,
                        $"{Result.HealthUrl} redirects ({status}) to '{location}': clients do not follow " +
                        "redirects to a node; publish the final URL");
                }

                if (health.StatusCode == 404)
                {
                    throw new ProbeFailure(
                        EndpointFailureKind.NotFabstirNode,
                        $"{Result.HealthUrl} answered {status}: no node there; check the URL's path, or " +
                        "another service holds the port");
                }

                string meaning = health.StatusCode >= 502 && health.StatusCode <= 504
                    ? "a proxy in front of the node cannot reach it"
                    : health.StatusCode >= 500 ? "the server failed" : "the request was refused (a proxy rule?)";
                throw new ProbeFailure(EndpointFailureKind.HttpError, $"{Result.HealthUrl} answered {status}: {meaning}");
            }

            private async Task ReadVersionAsync(CancellationToken token)
            {
                Uri versionUrl = UrlRules.VersionUrl(Url);
                try
                {
                    HttpAnswer version = await GetAsync(versionUrl, token).ConfigureAwait(false);
                    JObject? body = version.StatusCode == 200 ? ParseObject(version.Body) : null;
                    if (body == null)
                    {
                        _log.Verbose($"GET {versionUrl} answered {version.StatusCode} without a version report.");
                        return;
                    }

                    Result.VersionBody = version.Body;
                    Result.NodeVersion = (string?)body["version"];
                    _log.Verbose($"GET {versionUrl}: node version {Result.NodeVersion}.");
                }
                catch (Exception ex) when (ex is ProbeFailure || ex is IOException || ex is SocketException
                    || IsCancellation(ex))
                {
                    // The version is extra information: the health answer already decided reachability.
                    _log.Verbose($"GET {versionUrl} gave no version: {ex.Message}");
                }
            }

            private static JObject? ParseObject(string text)
            {
                try
                {
                    return JToken.Parse(text) as JObject;
                }
                catch (Newtonsoft.Json.JsonException)
                {
                    return null;
                }
            }

            private static Exception Innermost(Exception ex)
            {
                while (ex.InnerException != null)
                {
                    ex = ex.InnerException;
                }

                return ex;
            }

            private string Describe(IPEndPoint? endpoint)
            {
                return endpoint == null ? Url.Authority : endpoint.ToString();
            }
        }
    }
}
