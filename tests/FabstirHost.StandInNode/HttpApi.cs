using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FabstirHost.StandInNode
{
    /// <summary>
    /// A minimal HTTP/1.1 server with the node's answers on the routes a launcher or prober uses.
    /// One request per connection (always <c>Connection: close</c>); connections are served
    /// concurrently. Inference, embeddings and the WebSocket are not simulated.
    /// </summary>
    internal sealed class HttpApi
    {
        private const string Json = "application/json";

        // In this build the API server is never handed the P2P node, so health is always degraded.
        private const string HealthBody = "{\"status\":\"degraded\",\"issues\":[\"No P2P node available\"]}";
        private const string ModelsBody = "{\"error\":\"Service unavailable: No P2P node available\"}";

        private static readonly string[] Features =
        {
            "multi-chain", "base-sepolia", "opbnb-testnet", "chain-aware-sessions", "auto-settlement",
            "websocket-compression", "rate-limiting", "job-auth", "end-to-end-encryption",
            "encrypted-sessions", "gpu-stark-proofs", "s5-proof-storage", "host-side-rag",
            "model-validation", "disable-llm-sidecar-only", "ltx-video-sidecar", "ltx-video-edit",
        };

        private static readonly string[] BreakingChanges =
        {
            "v8.14.0: REQUIRE_MODEL_VALIDATION validates the model on chain before loading",
            "v8.31.3: DISABLE_LLM=true skips the LLM model load (sidecar-only node)",
        };

        private readonly TcpListener _listener;
        private readonly string? _nodeName;
        private long _requests;

        public HttpApi(IPAddress address, int port, string? nodeName)
        {
            _listener = new TcpListener(address, port);
            _nodeName = nodeName;
        }

        /// <summary>Binds and starts serving; throws the SocketException of a failed bind.</summary>
        public void Start()
        {
            _listener.Start(128);
            _ = Task.Run(AcceptLoopAsync);
        }

        private async Task AcceptLoopAsync()
        {
            while (true)
            {
                TcpClient client = await _listener.AcceptTcpClientAsync();
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    NetworkStream stream = client.GetStream();
                    (string? head, int bodyBytesRead) = await ReadHeadAsync(stream, timeout.Token);
                    if (head == null)
                    {
                        return;
                    }

                    await DrainBodyAsync(stream, head, bodyBytesRead, timeout.Token);

                    string[] requestLine = head.Split("\r\n")[0].Split(' ');
                    if (requestLine.Length < 3)
                    {
                        await WriteAsync(stream, 400, "Bad Request", "text/plain", "", false, timeout.Token);
                        return;
                    }

                    Interlocked.Increment(ref _requests);
                    string method = requestLine[0];
                    string path = requestLine[1].Split('?')[0];
                    (int status, string reason, string type, string body) = Route(method, path);
                    await WriteAsync(stream, status, reason, type, body, method == "HEAD", timeout.Token);
                    client.Client.Shutdown(SocketShutdown.Send);
                }
                catch (Exception exception) when (exception is IOException or SocketException
                    or OperationCanceledException or ObjectDisposedException)
                {
                    // The client went away or stalled; the node would drop the connection as well.
                }
            }
        }

        private (int, string, string, string) Route(string method, string path)
        {
            bool read = method is "GET" or "HEAD";
            return path switch
            {
                "/health" when read => (200, "OK", Json, HealthBody),
                "/v1/version" when read => (200, "OK", Json, VersionBody()),
                "/v1/models" when read => (503, "Service Unavailable", Json, ModelsBody),
                "/metrics" when read => (200, "OK", "text/plain; version=0.0.4", MetricsBody()),
                "/health" or "/v1/version" or "/v1/models" or "/metrics" =>
                    (405, "Method Not Allowed", "", ""),
                _ => (404, "Not Found", "", ""),
            };
        }

        private string VersionBody()
        {
            var body = new StringBuilder();
            body.Append("{\"version\":\"").Append(Program.VersionNumber).Append('"');
            body.Append(",\"build\":\"").Append(Program.BuildVersion).Append('"');
            body.Append(",\"date\":\"").Append(Program.BuildDate).Append('"');
            body.Append(",\"features\":[").AppendJoin(',', Features.Select(Quote)).Append(']');
            body.Append(",\"chains\":[84532,5611]");
            body.Append(",\"breaking_changes\":[").AppendJoin(',', BreakingChanges.Select(Quote)).Append(']');
            if (_nodeName != null)
            {
                body.Append(",\"standinNode\":").Append(Quote(_nodeName));
            }

            return body.Append('}').ToString();
        }

        private string MetricsBody()
        {
            long requests = Interlocked.Read(ref _requests);
            return "# HELP fabstir_http_requests_total HTTP requests received by the API server.\n"
                + "# TYPE fabstir_http_requests_total counter\n"
                + $"fabstir_http_requests_total {requests}\n"
                + "# HELP fabstir_active_sessions Inference sessions in progress.\n"
                + "# TYPE fabstir_active_sessions gauge\n"
                + "fabstir_active_sessions 0\n";
        }

        private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

        /// <summary>
        /// Reads and drops a request body, so closing the connection after the answer does not
        /// reset it under a client that is still sending.
        /// </summary>
        private static async Task DrainBodyAsync(NetworkStream stream, string head, int alreadyRead,
            CancellationToken token)
        {
            const string header = "\r\ncontent-length:";
            int at = head.IndexOf(header, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return;
            }

            string value = head[(at + header.Length)..].Split("\r\n")[0].Trim();
            long remaining = Math.Min(long.TryParse(value, out long length) ? length : 0, 1 << 20) - alreadyRead;
            var buffer = new byte[8192];
            while (remaining > 0)
            {
                int chunk = (int)Math.Min(buffer.Length, remaining);
                int read = await stream.ReadAsync(buffer.AsMemory(0, chunk), token);
                if (read == 0)
                {
                    return;
                }

                remaining -= read;
            }
        }

        private static async Task<(string?, int)> ReadHeadAsync(NetworkStream stream, CancellationToken token)
        {
            var buffer = new byte[16384];
            int length = 0;
            while (length < buffer.Length)
            {
                int read = await stream.ReadAsync(buffer.AsMemory(length), token);
                if (read == 0)
                {
                    return (null, 0);
                }

                length += read;
                string text = Encoding.Latin1.GetString(buffer, 0, length);
                int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    return (text[..end], length - end - 4);
                }
            }

            return (null, 0);
        }

        private static async Task WriteAsync(NetworkStream stream, int status, string reason, string contentType,
            string body, bool headOnly, CancellationToken token)
        {
            byte[] content = Encoding.UTF8.GetBytes(body);
            var head = new StringBuilder();
            head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {reason}\r\n");
            if (contentType.Length > 0)
            {
                head.Append("content-type: ").Append(contentType).Append("\r\n");
            }

            head.Append(CultureInfo.InvariantCulture, $"content-length: {content.Length}\r\n");
            head.Append("access-control-allow-origin: *\r\n");
            head.Append("connection: close\r\n");
            head.Append("date: ").Append(DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture));
            head.Append("\r\n\r\n");
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), token);
            if (!headOnly)
            {
                await stream.WriteAsync(content, token);
            }
        }
    }
}
