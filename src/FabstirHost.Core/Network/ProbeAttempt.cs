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
    /// <summary>A probe failure whose kind and one-line explanation are already known.</summary>
    internal sealed class ProbeFailure : Exception
    {
        public ProbeFailure(EndpointFailureKind kind, string message)
            : base(message)
        {
            Kind = kind;
        }

        public EndpointFailureKind Kind { get; }
    }

    /// <summary>
    /// One probe of one URL, phase by phase. It remembers the phase it is in, so that a timeout can
    /// say what it interrupted: a silent connection attempt means something else than a silent server.
    /// </summary>
    internal sealed class ProbeAttempt
    {
        private readonly TimeSpan _timeout;
        private readonly IOperationLog _log;
        private Phase _phase = Phase.Resolving;
        private IPEndPoint? _endpoint;

        public ProbeAttempt(Uri url, TimeSpan timeout, IOperationLog log)
        {
            Result = new FabstirEndpointResult(url);
            _timeout = timeout;
            _log = log;
        }

        private enum Phase
        {
            Resolving,
            Connecting,
            Handshaking,
            AwaitingAnswer,
        }

        public FabstirEndpointResult Result { get; }

        private Uri Url => Result.Url;

        private string Endpoint => _endpoint?.ToString() ?? Url.Authority;

        public async Task RunAsync(CancellationToken token)
        {
            Result.Addresses = await ResolveAsync(token).ConfigureAwait(false);
            NoteLocalOnlyAddresses();

            var clock = Stopwatch.StartNew();
            HttpAnswer health = await GetAsync(Result.HealthUrl, token).ConfigureAwait(false);
            Result.Latency = clock.Elapsed;
            Result.StatusCode = health.StatusCode;
            _log.Verbose($"GET {Result.HealthUrl}: {health.StatusCode} in {clock.ElapsedMilliseconds} ms.");
            ReadHealth(health);

            // Behind a bad certificate a node may still answer: its version helps tell which node.
            EndpointFailureKind failure = Result.Failure;
            if (failure == EndpointFailureKind.None || failure == EndpointFailureKind.TlsFailure)
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
                case Phase.Resolving:
                    return $"the name '{Url.Host}' did not resolve within {limit}";
                case Phase.Connecting:
                    return $"no answer to the connection attempt to {Endpoint} within {limit}: a firewall " +
                        "dropping packets, a NAT without port forwarding, or a host that is down";
                case Phase.Handshaking:
                    return $"connected to {Endpoint} but the TLS handshake did not finish within {limit}: " +
                        "the port may serve plain HTTP or another protocol";
                default:
                    return $"connected to {Endpoint} but no HTTP answer came within {limit}: something " +
                        "accepts connections there without answering (a hung node or another service)";
            }
        }

        private async Task<IReadOnlyList<IPAddress>> ResolveAsync(CancellationToken token)
        {
            string host = Url.Host.Trim('[', ']');
            if (UrlRules.TryParseAddress(host, out IPAddress? literal))
            {
                return new[] { literal! };
            }

            if (UrlRules.IsReservedInvalidName(host))
            {
                throw new ProbeFailure(EndpointFailureKind.NameNotResolved,
                    $"the name '{host}' does not resolve: names under .invalid never do (RFC 6761)");
            }

            _log.Verbose($"Resolving '{host}'.");
            IPAddress[] addresses;
            try
            {
                // The lookup cannot be cancelled; the deadline abandons it instead.
                Task<IPAddress[]> lookup = Dns.GetHostAddressesAsync(host);
                await Task.WhenAny(lookup, Task.Delay(Timeout.Infinite, token)).ConfigureAwait(false);
                token.ThrowIfCancellationRequested();
                addresses = await lookup.ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new ProbeFailure(EndpointFailureKind.NameNotResolved,
                    $"the name '{host}' does not resolve ({ex.Message}): check its DNS record");
            }

            if (addresses.Length == 0)
            {
                throw new ProbeFailure(EndpointFailureKind.NameNotResolved,
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
            // The socket is closed on every path: the deadline closes it to interrupt a wait.
            using (Socket socket = await ConnectAsync(token).ConfigureAwait(false))
            using (token.Register(() => socket.Dispose()))
            using (Stream stream = await SecureAsync(socket, token).ConfigureAwait(false))
            {
                _phase = Phase.AwaitingAnswer;
                try
                {
                    return await MinimalHttp.GetAsync(stream, url, token).ConfigureAwait(false);
                }
                catch (NotHttpException ex)
                {
                    string hint = Url.Scheme == Uri.UriSchemeHttp
                        ? " (if it serves https, use an https:// URL)"
                        : string.Empty;
                    throw new ProbeFailure(EndpointFailureKind.NotFabstirNode,
                        $"{Endpoint} is not a Fabstir node: {ex.Message}{hint}");
                }
                catch (IOException ex) when (!token.IsCancellationRequested)
                {
                    throw new ProbeFailure(EndpointFailureKind.NetworkError,
                        $"the connection to {Endpoint} broke while waiting for the answer: " +
                        Innermost(ex).Message);
                }
            }
        }

        private async Task<Socket> ConnectAsync(CancellationToken token)
        {
            _phase = Phase.Connecting;
            int port = UrlRules.EffectivePort(Url);
            SocketException? refused = null;
            SocketException? other = null;
            foreach (IPAddress address in Result.Addresses)
            {
                _endpoint = new IPEndPoint(address, port);
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
                {
                    NoDelay = true,
                };

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
                    _log.Verbose($"Connecting to {Endpoint} failed: {ex.SocketErrorCode}.");
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
                throw new ProbeFailure(EndpointFailureKind.ConnectionRefused,
                    $"{Url.Host}:{port} refused the connection: nothing listens on port {port} there, or a " +
                    "firewall rejects it");
            }

            throw new ProbeFailure(EndpointFailureKind.NetworkError,
                $"could not connect to {Url.Host}:{port}: {other?.Message ?? "no address to connect to"}");
        }

        private async Task<Stream> SecureAsync(Socket socket, CancellationToken token)
        {
            var network = new NetworkStream(socket, ownsSocket: true);
            if (Url.Scheme != Uri.UriSchemeHttps)
            {
                return network;
            }

            _phase = Phase.Handshaking;
            var tls = new SslStream(network, leaveInnerStreamOpen: false, RememberCertificate);
            try
            {
                await tls.AuthenticateAsClientAsync(Url.IdnHost).ConfigureAwait(false);
                return tls;
            }
            catch (Exception ex) when (IsHandshakeFailure(ex) && !token.IsCancellationRequested)
            {
                tls.Dispose();
                throw new ProbeFailure(EndpointFailureKind.TlsFailure,
                    $"the TLS handshake with {Endpoint} failed ({Innermost(ex).Message}): the port may " +
                    "serve plain HTTP (try http://) or its TLS set-up is broken");
            }
        }

        private static bool IsHandshakeFailure(Exception ex)
        {
            return ex is AuthenticationException || ex is IOException;
        }

        private bool RememberCertificate(
            object sender,
            X509Certificate? certificate,
            X509Chain? chain,
            SslPolicyErrors errors)
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
                throw FailureForStatus(health);
            }

            JObject? body = ParseObject(health.Body);
            if (body == null || body["status"]?.Type != JTokenType.String)
            {
                throw new ProbeFailure(EndpointFailureKind.NotFabstirNode,
                    $"{Result.HealthUrl} answers 200 but not with a node's health report (another service, " +
                    "or a proxy's own page)");
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

        private ProbeFailure FailureForStatus(HttpAnswer health)
        {
            int code = health.StatusCode;
            string status = $"{code} {health.Reason}".Trim();
            if (code >= 300 && code < 400)
            {
                health.Headers.TryGetValue("Location", out string? location);
                string target = UrlRules.Redact(location ?? string.Empty);
                return new ProbeFailure(EndpointFailureKind.HttpError,
                    $"{Result.HealthUrl} redirects ({status}) to '{target}': clients do not follow " +
                    "redirects to a node; publish the final URL");
            }

            if (code == 404)
            {
                return new ProbeFailure(EndpointFailureKind.NotFabstirNode,
                    $"{Result.HealthUrl} answered {status}: no node there; check the URL's path, or " +
                    "another service holds the port");
            }

            string meaning = code >= 502 && code <= 504 ? "a proxy in front of the node cannot reach it"
                : code >= 500 ? "the server failed"
                : "the request was refused (a proxy rule?)";
            return new ProbeFailure(
                EndpointFailureKind.HttpError, $"{Result.HealthUrl} answered {status}: {meaning}");
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
                    _log.Verbose($"GET {versionUrl}: {version.StatusCode} without a version report.");
                    return;
                }

                Result.VersionBody = version.Body;
                Result.NodeVersion = (string?)body["version"];
                _log.Verbose($"GET {versionUrl}: node version {Result.NodeVersion}.");
            }
            catch (Exception ex) when (ex is ProbeFailure || ex is IOException || ex is SocketException
                || EndpointProbe.IsCancellation(ex))
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
    }
}
