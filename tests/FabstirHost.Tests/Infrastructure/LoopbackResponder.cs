using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>An HTTP answer a <see cref="LoopbackResponder"/> gives to one path.</summary>
    public sealed record CannedAnswer(int Status, string Body, string ContentType = "application/json");

    /// <summary>
    /// A real HTTP (or https) server on a loopback port, answering each request from a handler:
    /// enough of a node, a proxy or an unrelated service for the probe to meet over real sockets.
    /// </summary>
    public sealed class LoopbackResponder : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly Func<string, CannedAnswer> _handler;
        private readonly X509Certificate2? _certificate;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _acceptLoop;

        private LoopbackResponder(
            IPAddress address,
            Func<string, CannedAnswer> handler,
            X509Certificate2? certificate)
        {
            _handler = handler;
            _certificate = certificate;
            _listener = new TcpListener(address, 0);
            _listener.Start();
            _acceptLoop = Task.Run(AcceptLoopAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public IPAddress Address => ((IPEndPoint)_listener.LocalEndpoint).Address;

        public Uri Url => new($"{(_certificate == null ? "http" : "https")}://{Address}:{Port}");

        /// <summary>Paths requested so far, in arrival order.</summary>
        public ConcurrentQueue<string> Paths { get; } = new();

        public static LoopbackResponder Http(Func<string, CannedAnswer> handler, IPAddress? address = null) =>
            new(address ?? IPAddress.Loopback, handler, null);

        public static LoopbackResponder Https(X509Certificate2 certificate, Func<string, CannedAnswer> handler) =>
            new(IPAddress.Loopback, handler, certificate);

        /// <summary>Answers like today's node: health degraded, a version report, 404 elsewhere.</summary>
        public static Func<string, CannedAnswer> NodeLike(string? nodeName = null, string prefix = "") => path =>
        {
            if (path == prefix + "/health")
            {
                return new CannedAnswer(200, "{\"status\":\"degraded\",\"issues\":[\"No P2P node available\"]}");
            }

            if (path == prefix + "/v1/version")
            {
                string name = nodeName == null ? string.Empty : $",\"standinNode\":\"{nodeName}\"";
                return new CannedAnswer(200, "{\"version\":\"8.38.0\",\"build\":\"v8.38.0-test\"" + name + "}");
            }

            return new CannedAnswer(404, string.Empty, "text/plain");
        };

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            try
            {
                _acceptLoop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException
                    or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    Stream stream = client.GetStream();
                    if (_certificate != null)
                    {
                        var tls = new SslStream(stream);
                        await tls.AuthenticateAsServerAsync(_certificate);
                        stream = tls;
                    }

                    string path = await ReadRequestPathAsync(stream);
                    Paths.Enqueue(path);
                    CannedAnswer answer = _handler(path);
                    byte[] body = Encoding.UTF8.GetBytes(answer.Body);
                    string head = $"HTTP/1.1 {answer.Status} {ReasonPhrase(answer.Status)}\r\n" +
                        $"Content-Type: {answer.ContentType}\r\n" +
                        $"Content-Length: {body.Length}\r\n" +
                        "Connection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                    await stream.WriteAsync(body, _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException
                    or System.Security.Authentication.AuthenticationException)
                {
                    // The client hung up or failed the handshake: that is what some tests are about.
                }
            }
        }

        private async Task<string> ReadRequestPathAsync(Stream stream)
        {
            var head = new StringBuilder();
            var buffer = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(buffer, _stop.Token) == 0)
                {
                    throw new IOException("The client closed the connection before its request was complete.");
                }

                if (head.Length == 0 && buffer[0] == 0x16)
                {
                    // A TLS ClientHello on a plain port: answer 400 and hang up, as HTTP servers do.
                    const string badRequest =
                        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(badRequest), _stop.Token);
                    throw new IOException("The client spoke TLS to a plain HTTP port.");
                }

                head.Append((char)buffer[0]);
            }

            return head.ToString().Split(' ')[1];
        }

        private static string ReasonPhrase(int status) => status switch
        {
            200 => "OK",
            301 => "Moved Permanently",
            404 => "Not Found",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            _ => "Status",
        };
    }

    /// <summary>A TCP listener that completes connections (the kernel's backlog does) and never answers.</summary>
    public sealed class SilentListener : IDisposable
    {
        private readonly TcpListener _listener;

        public SilentListener(IPAddress? address = null)
        {
            _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
            _listener.Start();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public Uri Url => new($"http://{((IPEndPoint)_listener.LocalEndpoint).Address}:{Port}");

        public void Dispose() => _listener.Stop();
    }
}
